import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension Faults {
    /// Issue 11, part 3: a writer that pauses midway (no tmp+rename) must not lose its file to rejected/.
    @Suite("Incomplete files") struct IncompleteFiles {
        /// Half a request and half a labeled example, written without tmp+rename.
        static func slowWriters(_ root: Root) throws -> [SlowWriter] {
            try Files.makeFolder(root.inbox + "/alpha")
            var writers: [SlowWriter] = []
            for relative in ["slow.png", "alpha/slow.png"] {
                let content = root.nextImage()
                writers.append(try SlowWriter(root.inbox + "/" + relative, content))
                root.inputs.append(Input(relative: Files.bytes(relative), content: content))
            }
            return writers
        }

        @Test(
            "--once between the halves of a slow write (pause 3× settle_seconds): left in place, counted, one event per file; then one prediction, one example, no rejection"
        )
        func onceBetweenTheHalves() throws {
            let scratch = try Scratch("incomplete-once")
            let root = try Root(scratch)
            try root.train()
            let writers = try Self.slowWriters(root)
            let started = monotonic()
            let settle = ["--set", "settle_seconds=1"]
            // Settled (unchanged for settle_seconds), so every pass reads and decodes them.
            usleep(1_300_000)
            for pass in 1...2 {
                let run = try MCND.run(["--root", root.path, "--once"] + settle, scratch: scratch.url)
                #expect(run.succeeded, "\(run.transcript)")
                #expect(run.stdout.contains("incomplete 2") && run.stdout.contains("rejected 0"), "pass \(pass): \(run.transcript)")
                #expect(root.inputs.suffix(2).allSatisfy { Files.exists(Files.bytes(root.inbox + "/") + $0.relative) }, "left in place")
                let outcomes = try Outcomes.of(root.path)
                #expect(outcomes.rejected.isEmpty, "pass \(pass): \(outcomes.rejected)")
                #expect(outcomes.events["waiting_for_complete"] == 2, "one event per file, not per pass: \(outcomes.events)")
            }
            let status = try MCND.run(["status", "--root", root.path], scratch: scratch.url)
            #expect(status.succeeded && status.stdout.contains("incomplete: 2"), "\(status.transcript)")
            let json = try MCND.run(["status", "--json", "--root", root.path], scratch: scratch.url)
            let object = try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(object?["incomplete"] as? Int == 2, "\(json.transcript)")

            // The pause lasts three settle times, then the writers finish.
            let pause = 3.0 - (monotonic() - started)
            if pause > 0 { usleep(UInt32(pause * 1e6)) }
            for writer in writers { try writer.finish() }
            usleep(1_300_000)
            let last = try MCND.run(["--root", root.path, "--once"] + settle, scratch: scratch.url)
            #expect(last.succeeded, "\(last.transcript)")
            #expect(
                last.stdout.contains("examples +1") && last.stdout.contains("predicted 1") && !last.stdout.contains("incomplete"),
                "\(last.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: true)
            let outcomes = try Outcomes.of(root.path)
            #expect(outcomes.predicted[hex(Files.bytes("slow.png"))] == 1, "one prediction line")
            #expect(outcomes.rejected.isEmpty && !Files.exists(root.path + "/rejected/slow.png"), "no rejection: \(outcomes.rejected)")
            let after = try MCND.run(["status", "--root", root.path], scratch: scratch.url)
            #expect(after.succeeded && !after.stdout.contains("incomplete:"), "\(after.transcript)")
        }

        @Test("after incomplete_grace_seconds without a change, a truncated file is rejected as truncated")
        func rejectedAfterTheGrace() throws {
            let scratch = try Scratch("incomplete-grace")
            let root = try Root(scratch)
            try root.train()
            _ = try Self.slowWriters(root)
            let settings = ["--set", "settle_seconds=0", "--set", "incomplete_grace_seconds=2"]
            let early = try MCND.run(["--root", root.path, "--once"] + settings, scratch: scratch.url)
            #expect(early.succeeded && early.stdout.contains("incomplete 2"), "within the grace: \(early.transcript)")
            usleep(2_300_000)
            let late = try MCND.run(["--root", root.path, "--once"] + settings, scratch: scratch.url)
            #expect(late.succeeded && late.stdout.contains("rejected 2"), "after the grace: \(late.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: true)
            let outcomes = try Outcomes.of(root.path)
            for input in root.inputs.suffix(2) {
                #expect(outcomes.rejected[hex(input.relative)] == ["truncated"], "\(input.display): \(outcomes.rejected)")
                #expect(Files.exists(root.path + "/rejected/" + input.display))
            }
        }

        @Test(
            "daemon: a slow write found by its start-up scan and by later scans waits for the writer, then one prediction and one example",
            arguments: ["inotify", "poll"])
        func daemonScans(_ mode: String) throws {
            let scratch = try Scratch("incomplete-daemon-\(mode)")
            let root = try Root(scratch)
            try root.train()
            let writers = try Self.slowWriters(root)
            usleep(1_300_000)
            let daemon = try MCND.start(
                [
                    "--root", root.path, "--set", "settle_seconds=1", "--set", "watch.mode=\(mode)",
                    "--set", "watch.poll_seconds=0.5", "--set", "watch.rescan_seconds=1",
                    "--set", "train.epochs=2", "--set", "train.min_steps=0", "--set", "train.cross_validation_below=0", "--set",
                    "train.refit_below=0", "--set",
                    "train.units=16",
                    "--set", "train.min_interval_seconds=0", "--set", "train.quiet_seconds=0",
                ], scratch: scratch.url)
            defer { daemon.stop() }
            #expect(
                try eventually(timeout: 30) { (try Outcomes.of(root.path, database: false)).events["waiting_for_complete"] == 2 },
                "one event per file: \(daemon.transcript)")
            usleep(3_000_000)  // several polls and rescans
            let waiting = try Outcomes.of(root.path, database: false)
            #expect(waiting.rejected.isEmpty && waiting.events["waiting_for_complete"] == 2, "\(waiting.events) \(waiting.rejected)")
            #expect(daemon.isRunning, "\(daemon.transcript)")
            for writer in writers { try writer.finish() }
            #expect(
                try eventually(timeout: 30) {
                    root.inputs.allSatisfy { !Files.exists(Files.bytes(root.inbox + "/") + $0.relative) }
                }, "handled once complete: \(daemon.transcript)")
            daemon.stop()
            #expect(daemon.succeeded, "\(daemon.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: true)
            let outcomes = try Outcomes.of(root.path)
            #expect(outcomes.rejected.isEmpty && outcomes.predicted[hex(Files.bytes("slow.png"))] == 1, "\(outcomes.rejected)")
        }
    }
}
