import Foundation
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// A promotion's `model_promoted` line is part of the promotion: mcnd
    /// killed after the state committed the new model but before the line was
    /// written must not leave a model that events.jsonl never announced (the
    /// power-loss test found it once, by chance). strace stops mcnd at exactly
    /// that `write` (`inject=…:signal=KILL`, counted on events.jsonl only).
    @Suite("The model_promoted line across a kill") struct PromotionEventTests {
        static let strace = SyscallBudgetTests.strace

        @Test(
            "killed at the model_promoted write: the next pass writes the line once, with the model's .npz",
            .enabled(if: strace != nil, "strace is missing (scripts/setup installs it)"))
        func promotionLineSurvivesKill() throws {
            let scratch = try Scratch("promotion-event")
            let root = scratch.appending("root")
            try MCND.succeed(["init", root.path], scratch: scratch.url)
            let train = try Fashion.trainSplit()
            for i in train.stratified(perClass: 12, classes: [0, 1]) {
                try Files.drop(try train.png(i), into: root.appendingPathComponent("inbox"), as: "\(Fashion.name(train.label(i)))/\(i).png")
            }
            // Ingest only; then the run under strace.
            try MCND.succeed(
                ["--root", root.path, "--once", "--set", "settle_seconds=0", "--set", "train.min_labels=1000"], scratch: scratch.url)
            let events = root.path + "/outbox/events.jsonl"
            let before = Files.size(events) ?? 0
            // events.jsonl's writes of this run: run_started, then model_promoted — the second is stopped.
            let traced = try Shell.run([
                Self.strace!, "-f", "-qq", "-o", scratch.appending("strace.txt").path, "-P", events, "-e", "trace=write",
                "-e", "inject=write:signal=KILL:when=2", try MCND.path(), "--root", root.path, "train", "--set", "train.epochs=2", "--set",
                "train.min_steps=0", "--set", "train.cross_validation_below=0", "--set", "train.refit_below=0",
            ])
            #expect(traced.status != 0, "mcnd was not stopped: \(traced.stdout) \(traced.stderr)")
            let written = try String(decoding: Files.read(events), as: UTF8.self).dropFirst(before)
            #expect(!written.contains("\"model_promoted\""), "the kill came after the line: \(written)")

            for _ in 0..<2 {
                try MCND.succeed(["--root", root.path, "--once", "--set", "settle_seconds=0"], scratch: scratch.url)
            }
            let promoted = try JSONLines.objects(events).filter { $0["event"] as? String == "model_promoted" }
            let versions = promoted.compactMap { $0["model_version"] as? Int }
            #expect(versions == [1], "model_promoted lines: \(promoted)")
            for line in promoted {
                let file = line["file"] as? String ?? "?"
                #expect(Files.exists(root.path + "/" + file), "\(file) named by the line is missing")
            }
        }
    }
}
