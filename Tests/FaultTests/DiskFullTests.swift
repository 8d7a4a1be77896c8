import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension Faults {
    /// Scenario 1: the outbox, or state/, on a small tmpfs that is filled up.
    @Suite("Disk full", .enabled(if: Tmpfs.unavailable == nil, "skipped: \(Tmpfs.unavailable ?? "")")) struct DiskFull {
        @Test("outbox full: --once exits 1 naming the file, no torn line, nothing moved without its outcome; space back → every input once")
        func outboxFullOnce() throws {
            let scratch = try Scratch("outbox-full")
            let root = try Root(scratch)
            let tmpfs = try Tmpfs.mount(over: root.outbox, kilobytes: 256, keeping: scratch)
            defer { tmpfs.unmount() }
            try root.train()
            try root.dropBatch(labels: ["alpha", "gamma"], perLabel: 15, requests: 60, tag: "full")
            try root.drop("junk.png", Array("not a png".utf8))
            try root.drop("zero.png", [])
            let filler = try Files.fill(root.outbox, leave: 4096)

            let failed = try MCND.once(root.path, scratch: scratch.url)
            #expect(failed.exit?.signaled == false && failed.exit?.status == 1, "\(failed.transcript)")
            #expect(failed.reasonLines.count == 1, "one line with the reason: \(failed.transcript)")
            let reason = failed.reasonLines.first ?? ""
            #expect(reason.contains(root.outbox + "/") && reason.contains("No space left on device"), "\(failed.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: false)
            #expect(
                root.inputs.contains { Files.exists(Files.bytes(root.inbox + "/") + $0.relative) },
                "the disk filled up before the last input was done")

            unlink(filler)
            let again = try MCND.once(root.path, scratch: scratch.url)
            #expect(again.succeeded, "\(again.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: true)
            let outcomes = try Outcomes.of(root.path)
            #expect(outcomes.rejected[hex(Files.bytes("junk.png"))] == ["not_png"])
            #expect(outcomes.rejected[hex(Files.bytes("zero.png"))] == ["empty"])
        }

        @Test("state/ full: --once exits 1 with ENOSPC (not \"cannot be used\"), the database stays usable; space back → every input once")
        func stateFullOnce() throws {
            let scratch = try Scratch("state-full")
            let root = try Root(scratch)
            let tmpfs = try Tmpfs.mount(over: root.path + "/state", kilobytes: 4096, keeping: scratch)
            defer { tmpfs.unmount() }
            try root.train()
            try root.dropBatch(labels: ["alpha", "gamma"], perLabel: 150, requests: 30, tag: "full")
            try root.drop("junk.png", Array("not a png".utf8))

            // Almost nothing left (SQLite cannot even map its -shm file), then a little (a commit fails).
            for leave in [8 << 10, 128 << 10] {
                let filler = try Files.fill(root.path + "/state", leave: leave)
                let failed = try MCND.once(root.path, scratch: scratch.url)
                #expect(failed.exit?.signaled == false && failed.exit?.status == 1, "\(failed.transcript)")
                #expect(failed.reasonLines.count == 1, "one line with the reason: \(failed.transcript)")
                let reason = failed.reasonLines.first ?? ""
                #expect(
                    reason.contains(root.path + "/state/") && reason.contains("No space left on device"),
                    "leaving \(leave) bytes: \(failed.transcript)")
                #expect(!reason.contains("cannot be used"), "a full disk is not a damaged database: \(reason)")
                try checkInvariant(root.inputs, root: root.path, final: false)
                unlink(filler)
            }
            let again = try MCND.once(root.path, scratch: scratch.url)
            #expect(again.succeeded, "\(again.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: true)
        }

        @Test("daemon: outbox fills up → logged, retried, nothing lost; space back → it resumes by itself")
        func daemonOutboxFull() throws {
            let scratch = try Scratch("daemon-outbox-full")
            let root = try Root(scratch)
            let tmpfs = try Tmpfs.mount(over: root.outbox, kilobytes: 256, keeping: scratch)
            defer { tmpfs.unmount() }
            try root.train()
            let daemon = try MCND.start(
                [
                    "--root", root.path, "--set", "settle_seconds=0", "--set", "train.min_interval_seconds=0",
                    "--set", "train.quiet_seconds=0",
                ], scratch: scratch.url)
            defer { daemon.stop() }
            #expect(
                try eventually(timeout: 30) { (try Outcomes.of(root.path, database: false)).events["started"] == 1 },
                "a started event: \(daemon.transcript)")

            let filler = try Files.fill(root.outbox)
            try root.dropBatch(labels: [], perLabel: 0, requests: 40, tag: "during")
            #expect(
                try eventually(timeout: 30) { daemon.stderr.contains("No space left on device") },
                "the daemon logs the full disk: \(daemon.transcript)")
            try resumesWhenSpaceComesBack(daemon, root: root, filler: filler)
        }

        @Test("daemon: state/ fills up → an error event and a log line, no exit; space back → it resumes by itself")
        func daemonStateFull() throws {
            let scratch = try Scratch("daemon-state-full")
            let root = try Root(scratch)
            let tmpfs = try Tmpfs.mount(over: root.path + "/state", kilobytes: 4096, keeping: scratch)
            defer { tmpfs.unmount() }
            try root.train()
            let daemon = try MCND.start(
                [
                    "--root", root.path, "--set", "settle_seconds=0", "--set", "train.epochs=2", "--set", "train.min_steps=0", "--set",
                    "train.cross_validation_below=0", "--set", "train.refit_below=0",
                    "--set", "train.min_interval_seconds=0", "--set", "train.quiet_seconds=0",
                ], scratch: scratch.url)
            defer { daemon.stop() }
            #expect(
                try eventually(timeout: 30) { (try Outcomes.of(root.path, database: false)).events["started"] == 1 },
                "a started event: \(daemon.transcript)")

            let filler = try Files.fill(root.path + "/state")
            try root.dropBatch(labels: ["alpha"], perLabel: 20, requests: 20, tag: "during")
            #expect(
                try eventually(timeout: 30) {
                    (try Outcomes.of(root.path, database: false)).errors.contains { $0.contains("No space left on device") }
                }, "an error event naming the full disk: \(daemon.transcript)")
            #expect(daemon.stderr.contains("No space left on device"), "and a log line: \(daemon.transcript)")
            try resumesWhenSpaceComesBack(daemon, root: root, filler: filler)
        }

        /// After a few retries on the full disk the daemon still runs and nothing is lost; once
        /// `filler` is gone it finishes every input by itself and stops cleanly.
        func resumesWhenSpaceComesBack(_ daemon: Child, root: Root, filler: String) throws {
            usleep(1_500_000)  // a few retries
            #expect(daemon.isRunning, "the daemon keeps running: \(daemon.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: false)

            unlink(filler)
            let done = try eventually(timeout: 60) {
                root.inputs.allSatisfy { !Files.exists(Files.bytes(root.inbox + "/") + $0.relative) }
            }
            #expect(done, "the daemon resumed by itself once space came back: \(daemon.transcript)")
            daemon.stop()
            #expect(daemon.succeeded, "\(daemon.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: true)
        }
    }
}
