import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension Faults {
    /// Issue 11, part 2: another process holds a write transaction on state/mcnd.sqlite.
    /// Busy is not damage: never "cannot be used", never the `mcnd rebuild` advice.
    @Suite("Busy state") struct BusyState {
        static let busy = "the state database is busy (another process holds a write lock"

        @Test("status and status --json read while another process holds a write lock, and without one")
        func statusWhileLocked() throws {
            let scratch = try Scratch("busy-status")
            let root = try Root(scratch)
            try root.train()
            try root.dropBatch(labels: ["alpha"], perLabel: 2, requests: 3, tag: "pending")
            let database = root.path + "/state/mcnd.sqlite"
            let holder = try LockHolder(database)
            defer { holder.release() }
            for locked in [true, false] {
                if !locked { holder.release() }
                let text = try MCND.run(["status", "--root", root.path], scratch: scratch.url, timeout: 60)
                #expect(text.succeeded, "locked \(locked): \(text.transcript)")
                #expect(
                    text.stdout.contains("examples: 20") && text.stdout.contains("pending: 3 to predict, 2 labeled to ingest"),
                    "locked \(locked): \(text.transcript)")
                let json = try MCND.run(["status", "--json", "--root", root.path], scratch: scratch.url, timeout: 60)
                #expect(json.succeeded, "locked \(locked): \(json.transcript)")
                let object = try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
                let status = object?["status"] as? [String: Any]
                #expect(status?["examples"] as? Int == 20 && object?["pending"] as? Int == 3, "locked \(locked): \(json.transcript)")
                #expect((status?["model"] as? [String: Any])?["version"] as? Int == 1, "locked \(locked): \(json.transcript)")
            }
        }

        @Test(
            "--once and train with the database locked: exit 75 after state.busy_timeout_seconds, \"busy\", not \"rebuild\", nothing touched; unlocked → every input once"
        )
        func onceWhileLocked() throws {
            let scratch = try Scratch("busy-once")
            let root = try Root(scratch)
            try root.train()
            try root.dropBatch(labels: ["alpha", "gamma"], perLabel: 3, requests: 3, tag: "waiting")
            let database = root.path + "/state/mcnd.sqlite"
            let holder = try LockHolder(database)
            defer { holder.release() }
            let inboxBefore = Files.entries(under: root.inbox)
            let outboxBefore = Files.snapshot(root.outbox)
            for command in [["--once"], ["train"]] {
                let refused = try MCND.run(
                    command + ["--root", root.path, "--set", "settle_seconds=0", "--set", "state.busy_timeout_seconds=1"],
                    scratch: scratch.url, timeout: 60)
                #expect(refused.exit?.status == 75 && refused.exit?.signaled == false, "\(refused.transcript)")
                #expect(refused.reasonLines.count == 1, "one line: \(refused.transcript)")
                let reason = refused.reasonLines.first ?? ""
                #expect(reason.contains(Self.busy) && reason.contains(database), "\(refused.transcript)")
                #expect(!reason.contains("rebuild") && !reason.contains("cannot be used"), "busy is not damage: \(reason)")
                #expect(Files.entries(under: root.inbox) == inboxBefore, "the inbox is untouched")
                #expect(Files.snapshot(root.outbox) == outboxBefore, "the outbox is untouched")
            }
            holder.release()
            let again = try MCND.once(root.path, scratch: scratch.url)
            #expect(again.succeeded, "\(again.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: true)
        }

        @Test("daemon: locked at start and while running → waits, logs once per lock, keeps running; unlocked → every input once")
        func daemonWhileLocked() throws {
            let scratch = try Scratch("busy-daemon")
            let root = try Root(scratch)
            try root.train()
            let database = root.path + "/state/mcnd.sqlite"
            func busyLines(_ daemon: Child) -> Int { daemon.stderr.split(separator: "\n").filter { $0.contains(Self.busy) }.count }
            func handled() throws -> Bool {
                try eventually(timeout: 60) { root.inputs.allSatisfy { !Files.exists(Files.bytes(root.inbox + "/") + $0.relative) } }
            }

            // Locked before the daemon starts: it waits to open the state (longer than the 10 s mcnd used to give up after).
            var holder = try LockHolder(database)
            defer { holder.release() }
            try root.dropBatch(labels: ["alpha"], perLabel: 3, requests: 3, tag: "start")
            let daemon = try MCND.start(
                [
                    "--root", root.path, "--set", "settle_seconds=0", "--set", "state.busy_timeout_seconds=1",
                    "--set", "train.epochs=2", "--set", "train.min_steps=0", "--set", "train.cross_validation_below=0", "--set",
                    "train.refit_below=0", "--set",
                    "train.units=16",
                ], scratch: scratch.url)
            defer { daemon.stop() }
            usleep(12_000_000)
            #expect(daemon.isRunning, "still running: \(daemon.transcript)")
            #expect(busyLines(daemon) == 1, "one log line for the whole wait: \(daemon.transcript)")
            holder.release()
            #expect(
                try eventually(timeout: 30) { (try Outcomes.of(root.path, database: false)).events["started"] == 1 },
                "started once unlocked: \(daemon.transcript)")
            #expect(try handled(), "\(daemon.transcript)")

            // Locked while it runs, with new files arriving.
            holder = try LockHolder(database)
            try root.dropBatch(labels: ["beta"], perLabel: 3, requests: 3, tag: "running")
            usleep(12_000_000)
            #expect(daemon.isRunning, "still running: \(daemon.transcript)")
            #expect(busyLines(daemon) == 2, "one more log line for the second wait: \(daemon.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: false)
            holder.release()
            #expect(try handled(), "handled once unlocked: \(daemon.transcript)")
            daemon.stop()
            #expect(daemon.succeeded, "\(daemon.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: true)
            let stderr = daemon.stderr
            #expect(!stderr.contains("cannot be used") && !stderr.contains("rebuild"), "busy is not damage: \(daemon.transcript)")
        }
    }
}
