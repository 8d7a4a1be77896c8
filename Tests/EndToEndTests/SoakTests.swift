import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// The daemon under the steady load of a camera or a scanner: requests at
    /// 50/s and labeled examples at 2/s, closer together than the quiet period,
    /// for over two minutes. It must keep training (at least one run in every
    /// `min_interval + max_delay`), answer every request once, keep every
    /// example, hold its memory and descriptors flat, and stop cleanly.
    @Suite("Soak: steady traffic against the daemon", .tags(.slow)) struct Soak {
        /// `MCND_SOAK_SECONDS` lengthens it; `scripts/soak` is the hand-run version for an hour.
        static let seconds = Double(ProcessInfo.processInfo.environment["MCND_SOAK_SECONDS"] ?? "") ?? 130
        static let requestsPerSecond = 50.0
        static let examplesPerSecond = 2.0
        static let minInterval = 10.0
        static let maxDelay = 5.0
        /// Examples arrive every 0.5 s: never a second of quiet, so only the bound starts runs.
        static let quiet = 1.0
        /// Samples before this are start-up: SQLite's caches, the first model, oneDNN's buffers.
        static let warmUp = 30.0
        /// After the warm-up: resident memory may rise this much above its first sample, the
        /// descriptors this many above theirs (a pass opens a few inputs at a time).
        static let memoryBoundKiB = 16 * 1024
        static let descriptorBound = 6

        @Test("requests at 50/s, examples at 2/s: a run every min_interval + max_delay, every request one line, flat memory")
        func steadyTraffic() async throws {
            let scratch = try Scratch("soak")
            let root = scratch.appending("root").path
            try MCND.succeed(["init", root], scratch: scratch.url)
            var feed = try Feed(seconds: Self.seconds, requestsPerSecond: Self.requestsPerSecond, examplesPerSecond: Self.examplesPerSecond)
            let settings = [
                "train.min_interval_seconds=\(Self.minInterval)", "train.max_delay_seconds=\(Self.maxDelay)",
                "train.quiet_seconds=\(Self.quiet)", "train.units=16", "train.epochs=3", "train.incremental_epochs=1",
                // The hold-out's short runs: this soak is about when runs start, not how a small set is trained.
                "train.min_steps=0", "train.cross_validation_below=0", "train.refit_below=0",
                "train.threads=1", "review.target_precision=0",
            ]
            let daemon = try MCND.start(["--root", root] + settings.flatMap { ["--set", $0] }, scratch: scratch.url)
            #expect(
                try await eventually(timeout: 30) { Files.exists(root + "/outbox/events.jsonl") || !daemon.isRunning },
                "the daemon did not start: \(daemon.transcript)")

            let start = monotonic(), startDate = Date()
            var samples: [Sample] = []
            var waits: Set<String> = []
            var nextStatus = 16.0
            while monotonic() - start < Self.seconds {
                let t = monotonic() - start
                try feed.drop(upTo: t, into: root + "/inbox")
                if samples.count < Int(t) + 1, let sample = Sample(pid: daemon.pid, at: t) { samples.append(sample) }
                // Now and then, what status says about the run that waits.
                if t >= nextStatus {
                    nextStatus += 17
                    if let wait = try StatusRecord.of(root: root, scratch: scratch.url).training?.wait { waits.insert(wait.reason) }
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            let fedSeconds = monotonic() - start
            let predicted = try await eventually(timeout: 120, every: 500) {
                Set(Self.predictedFiles(root)).count >= feed.requestsDropped
            }
            #expect(predicted, "requests still waiting after the feed: \(feed.requestsDropped - Set(Self.predictedFiles(root)).count)")
            var examples = 0
            _ = try await eventually(timeout: 60, every: 500) {
                examples = try StatusRecord.of(root: root, scratch: scratch.url).status.examples
                return examples >= feed.examplesDropped
            }
            let exit = try await Self.stop(daemon)

            Self.report(samples, runs: Self.runStarts(root, since: startDate), seconds: fedSeconds)
            let runs = Self.runStarts(root, since: startDate).filter { $0 <= fedSeconds }
            let window = Self.minInterval + Self.maxDelay
            let bounds = [0] + runs + [fedSeconds]
            let gaps = zip(bounds.dropFirst(), bounds).map { $0 - $1 }
            #expect(!runs.isEmpty && gaps.allSatisfy { $0 <= window }, "a run in every \(window) s; runs started at \(runs) s")

            let lines = Dictionary(grouping: Self.predictedFiles(root), by: { $0 }).mapValues(\.count)
            #expect(
                Set(lines.keys) == Set(feed.requestsSent), "\(Set(feed.requestsSent).subtracting(lines.keys).count) requests without a line"
            )
            #expect(lines.values.allSatisfy { $0 == 1 }, "requests with more than one line: \(lines.filter { $0.value > 1 }.keys.sorted())")
            #expect(examples == feed.examplesDropped, "examples in the state: \(examples) of \(feed.examplesDropped)")
            #expect(waits.isSubset(of: ["interval", "quiet", "training", "busy_database", "too_few_labels"]) && !waits.isEmpty, "\(waits)")

            let settled = samples.filter { $0.seconds >= Self.warmUp }
            let first = try #require(settled.first, "no sample after the warm-up")
            let memory = settled.map(\.residentKiB), descriptors = settled.map(\.descriptors)
            print(
                "soak: \(runs.count) runs in \(Int(fedSeconds)) s, longest gap \(String(format: "%.1f", gaps.max() ?? 0)) s; after the warm-up "
                    + "VmRSS \(memory.min()! / 1024)–\(memory.max()! / 1024) MiB, descriptors \(descriptors.min()!)–\(descriptors.max()!)")
            #expect(memory.max()! - first.residentKiB <= Self.memoryBoundKiB, "resident KiB after the warm-up: \(memory)")
            #expect(descriptors.max()! - first.descriptors <= Self.descriptorBound, "descriptors after the warm-up: \(descriptors)")
            #expect(exit.succeeded, "SIGTERM: \(exit)")
        }

        /// File names in predictions.jsonl, one per line.
        static func predictedFiles(_ root: String) -> [String] {
            JSONLines.completeObjects(root + "/outbox/predictions.jsonl").compactMap { $0["file"] as? String }
        }

        /// When each run started, in seconds after `since`.
        static func runStarts(_ root: String, since: Date) -> [Double] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return JSONLines.completeObjects(root + "/outbox/events.jsonl")
                .filter { $0["event"] as? String == "run_started" }
                .compactMap { ($0["time"] as? String).flatMap(formatter.date(from:))?.timeIntervalSince(since) }
        }

        static func stop(_ daemon: Child) async throws -> Child.Exit {
            daemon.signal(SIGTERM)
            guard let exit = try await daemon.wait(timeout: 30) else {
                throw TestFailure("no exit 30 s after SIGTERM: \(daemon.transcript)")
            }
            return exit
        }

        /// Per minute: runs started, resident memory and descriptors at its end (the figures the issue asks for).
        static func report(_ samples: [Sample], runs: [Double], seconds: Double) {
            for minute in 0..<Int((seconds / 60).rounded(.up)) {
                let range = Double(minute * 60)..<Double(minute * 60 + 60)
                let last = samples.last { range.contains($0.seconds) }
                print(
                    "soak minute \(minute + 1): \(runs.filter { range.contains($0) }.count) runs, "
                        + "VmRSS \(last.map { "\($0.residentKiB / 1024) MiB" } ?? "?"), \(last.map { "\($0.descriptors)" } ?? "?") descriptors"
                )
            }
        }
    }
}
