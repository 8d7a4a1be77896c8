import Foundation
import Glibc
import MCNDModel
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// The README's exactly-once promise: every input file ends in exactly one of a prediction line, an
    /// example in the dataset, a rejection event — never two, never none, also
    /// across `kill -9` and restarts. Each trial SIGKILLs `mcnd --once` at a
    /// random moment of a run over a mixed inbox (ingest, an incremental
    /// training run, predictions), restarts it until it finishes, and checks
    /// every input.
    @Suite("Exactly once across kill -9") struct KillTests {
        static let trials = 40
        static let seed: UInt64 = ProcessInfo.processInfo.environment["MCND_KILL_SEED"].flatMap { UInt64($0) } ?? 0x6d636e64
        static let incrementalEpochs = 30
        static let outboxFiles = ["predictions.jsonl", "events.jsonl", "losses.jsonl", "rescored.jsonl"]
        /// Small batches make many journal transactions, so that kills land between and inside them.
        /// The cut-off files are final: rejected at once, without incomplete_grace_seconds.
        /// A low target and support give the tiny template model thresholds, so that
        /// some requests are routed to review/ and the trial's model re-scores some.
        static let options = [
            "--set", "settle_seconds=0", "--set", "incomplete_grace_seconds=0", "--set", "ingest_batch=3",
            "--set", "predict_batch=4", "--set", "train.incremental_epochs=\(incrementalEpochs)", "--set", "train.full_growth=1000",
            "--set", "train.early_stopping_patience=0", "--set", "train.epochs=10", "--set",
            "train.min_steps=0", "--set", "train.cross_validation_below=0", "--set", "train.refit_below=0",
            "--set", "review.target_precision=0.9", "--set", "review.min_support=5", "--set", "review.audit_fraction=0.1",
        ]

        /// When a trial kills `mcnd --once`.
        enum Kill: CustomStringConvertible {
            /// Once this many labeled inputs have left the inbox.
            case afterIngested(Int, jitter: Double)
            /// Once the training run has written this many losses.jsonl lines.
            case afterEpochs(Int, jitter: Double)
            /// Once this many prediction lines are written.
            case afterPredicted(Int, jitter: Double)
            /// Once this many rescored.jsonl lines are written (the queue of the template's model).
            case afterRescored(Int, jitter: Double)
            case afterSeconds(Double)

            var description: String {
                switch self {
                case .afterIngested(let n, let j): String(format: "after %d labeled files + %.1f ms", n, j * 1000)
                case .afterEpochs(let n, let j): String(format: "after epoch %d + %.1f ms", n, j * 1000)
                case .afterPredicted(let n, let j): String(format: "after %d prediction lines + %.1f ms", n, j * 1000)
                case .afterRescored(let n, let j): String(format: "after %d rescored lines + %.1f ms", n, j * 1000)
                case .afterSeconds(let s): String(format: "after %.3f s", s)
                }
            }
        }

        /// What must become of one input.
        enum Fate: Equatable {
            case predicted
            case example(String)
            case duplicate(String)
            case conflict
            case rejected(String)
        }

        struct Input {
            var relative: String
            var bytes: [UInt8]
            var fate: Fate
        }

        /// The root every trial starts from: a model trained on 5 classes × 30 images.
        struct Template {
            var root: String
            /// Regular files under archive/ (relative to it).
            var archive: [String]
            var eventLines: Int
            var predictionLines: Int
            var lossLines: Int
            var rescoredLines: Int
            /// Files waiting in review/ (relative to it), each a prediction of the template's model.
            var review: [String]
            /// sha256 → label of the examples already in the dataset.
            var examples: [String: String]
            var counts: [String: Int]
        }

        @Test func everyInputEndsExactlyOnceAcrossKill9() throws {
            let scratch = try Scratch("kill")
            let template = try makeTemplate(scratch)
            let inputs = try makeInputs(template: template, scratch: scratch)
            var rng = SeededGenerator(seed: Self.seed)

            // Calibration: the same trial without a kill shows how long a run takes (and
            // must itself satisfy the invariant).
            let calibration = try trial(0, template: template, inputs: inputs, scratch: scratch, kills: [])
            let duration = calibration.firstRunSeconds
            let labeled = inputs.filter { $0.relative.contains("/") }.count
            let requests = inputs.filter { $0.fate == .predicted }.count
            let rescored = calibration.rescored
            #expect(
                rescored >= 1,
                "the trial's model re-scored none of the template's \(template.review.count) review files; re-scoring is not covered")

            var phases: [String: Int] = [:]
            var restarts = 0
            var inFlight = 0
            for n in 1...Self.trials {
                // The first kill targets ingest, training and prediction in turn, at a
                // uniformly random point of that stage's progress (labeled files gone from
                // the inbox, epochs written, prediction lines written), plus up to 3 ms so
                // it lands anywhere inside the next batch: progress, not wall time, so the
                // spread holds on a loaded machine too. A third of the trials also kill the
                // restart after a uniformly random delay (often during the recovery of the first).
                let jitter = rng.unit() * 0.003
                var kills: [Kill]
                switch n % 4 {
                case 0: kills = [.afterIngested(Int(rng.next() % UInt64(labeled)), jitter: jitter)]
                case 1: kills = [.afterEpochs(1 + Int(rng.next() % UInt64(Self.incrementalEpochs)), jitter: jitter)]
                case 2 where rescored > 0: kills = [.afterRescored(1 + Int(rng.next() % UInt64(rescored)), jitter: jitter)]
                default: kills = [.afterPredicted(1 + Int(rng.next() % UInt64(requests - 1)), jitter: jitter)]
                }
                if rng.next() % 3 == 0 { kills.append(.afterSeconds(rng.unit() * duration)) }
                let outcome = try trial(n, template: template, inputs: inputs, scratch: scratch, kills: kills)
                phases[outcome.phase, default: 0] += 1
                restarts += outcome.runs - 1
                inFlight += outcome.killsWithPendingJournal
            }
            print(
                "kill -9 test: seed \(Self.seed), uninterrupted run \(String(format: "%.2f", duration)) s, \(Self.trials) trials; first kill landed in: "
                    + phases.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                    + "; \(restarts) restarts; \(inFlight) kills left outcomes in the journal for recovery")
            // The trials must actually have hit each stage of a run, or they prove little.
            for phase in ["ingest", "training", "rescore", "predict"] {
                #expect(
                    phases[phase, default: 0] >= 1,
                    "no kill landed during \(phase) (\(phases)); the kills no longer cover the run (seed \(Self.seed))")
            }
            // …and some kills must have caught a batch between its journal commit and its
            // end (the outcomes recovery finishes), or recovery was never exercised.
            #expect(inFlight >= 1, "no kill left journal entries behind; recovery was not exercised")
        }

        /// A crash leaves outcomes in the journal whose inputs are still in the
        /// inbox; until mcnd restarts, a writer may replace such a file (rename over
        /// it, as the README tells writers to). The new content is a new input and
        /// must get its own outcome; recovery must not archive it as the old one.
        @Test func aFileReplacedBeforeRecoveryGetsItsOwnOutcome() throws {
            let scratch = try Scratch("replaced")
            let template = try makeTemplate(scratch)
            let test = try Fashion.testSplit()
            var rng = SeededGenerator(seed: Self.seed)
            let replacement = try test.png(9999)
            let options = ["--set", "settle_seconds=0", "--set", "predict_batch=4"]
            // Find a kill that leaves a prediction decided (its line maybe written) but its file not yet moved.
            var caught: (root: String, name: String)?
            for attempt in 0..<100 where caught == nil {
                let root = scratch.appending("attempt-\(attempt)").path
                try FileManager.default.copyItem(atPath: template.root, toPath: root)
                for k in 0..<40 {
                    try Files.drop(try test.png(k), into: URL(fileURLWithPath: root + "/inbox"), as: String(format: "q-%02d.png", k))
                }
                let child = try MCND.start(["--root", root, "--once"] + options, scratch: scratch.url)
                let target = 1 + Int(rng.next() % 30)
                let (killed, _) = child.kill(
                    when: {
                        (FileManager.default.contents(atPath: root + "/outbox/predictions.jsonl") ?? Data()).count {
                            $0 == UInt8(ascii: "\n")
                        }
                            >= template.predictionLines + target
                    }, jitter: rng.unit() * 0.0005)
                if killed,
                    let entry = try journalEntries(root: root, scratch: scratch)
                        .first(where: { $0.outcome == "predicted" && Files.exists(root + "/" + $0.source) })
                {
                    caught = (root, String(entry.source.dropFirst("inbox/".count)))
                } else {
                    try FileManager.default.removeItem(atPath: root)
                }
            }
            let (root, name) = try #require(caught, "no kill in 100 attempts left a decided prediction with its file still in the inbox")
            let old = try Files.sha256([root + "/inbox/" + name]).values.first
            try Files.drop(replacement, into: URL(fileURLWithPath: root + "/inbox"), as: name)
            let new = try Files.sha256([root + "/inbox/" + name]).values.first
            try #require(old != new)

            let restart = try MCND.run(["--root", root, "--once"] + options, scratch: scratch.url)
            #expect(restart.succeeded, "\(restart)")
            let lines = JSONLines.decode(PredictionRecord.self, root + "/outbox/predictions.jsonl").filter { $0.file == name }
            #expect(lines.filter { $0.sha256 == old }.count == 1, "the original \(name): \(lines.map(\.sha256))")
            #expect(
                lines.filter { $0.sha256 == new }.count == 1,
                "\(name) was replaced before the restart; its new content got \(lines.filter { $0.sha256 == new }.count) prediction lines (root \(root))"
            )
            #expect(Files.regularFiles(under: URL(fileURLWithPath: root + "/inbox")).isEmpty)
        }

        // MARK: A trial

        struct TrialOutcome {
            /// Where the first kill landed: ingest, training, predict, or none (the run ended first).
            var phase: String
            var runs: Int
            var firstRunSeconds: Double
            /// Kills after which the state's journal held outcomes not finished yet.
            var killsWithPendingJournal = 0
            /// Review files the trial's model moved on (rescored.jsonl lines).
            var rescored = 0
        }

        func trial(_ n: Int, template: Template, inputs: [Input], scratch: Scratch, kills: [Kill]) throws -> TrialOutcome {
            let root = scratch.appending("trial-\(n)").path
            try FileManager.default.copyItem(atPath: template.root, toPath: root)
            let inbox = URL(fileURLWithPath: root + "/inbox")
            for input in inputs { try Files.drop(input.bytes, into: inbox, as: input.relative) }
            let arguments = ["--root", root, "--once"] + Self.options
            let context = "trial \(n) (seed \(Self.seed), kills \(kills))"

            var phase = "none"
            var runs = 0
            var firstRunSeconds = 0.0
            var pending = 0
            var log: [String] = []
            let labeled = inputs.filter { $0.relative.contains("/") }.map { root + "/inbox/" + $0.relative }
            func lines(_ name: String) -> Int {
                (FileManager.default.contents(atPath: root + "/outbox/" + name) ?? Data()).reduce(0) {
                    $1 == UInt8(ascii: "\n") ? $0 + 1 : $0
                }
            }
            for (k, kill) in kills.enumerated() {
                let child = try MCND.start(arguments, scratch: scratch.url)
                let (killed, result): (Bool, Child)
                switch kill {
                case .afterIngested(let count, let jitter):
                    (killed, result) = child.kill(when: { labeled.count { !Files.exists($0) } >= count }, jitter: jitter)
                case .afterEpochs(let count, let jitter):
                    (killed, result) = child.kill(when: { lines("losses.jsonl") - template.lossLines >= count }, jitter: jitter)
                case .afterPredicted(let count, let jitter):
                    (killed, result) = child.kill(when: { lines("predictions.jsonl") - template.predictionLines >= count }, jitter: jitter)
                case .afterRescored(let count, let jitter):
                    (killed, result) = child.kill(when: { lines("rescored.jsonl") - template.rescoredLines >= count }, jitter: jitter)
                case .afterSeconds(let delay):
                    (killed, result) = child.kill(after: delay)
                }
                runs += 1
                if k == 0 { firstRunSeconds = result.seconds }
                log.append(killed ? "killed after \(String(format: "%.3f", result.seconds)) s" : "\(result)")
                guard killed else {
                    #expect(result.succeeded, "\(context): \(result)")
                    break
                }
                if k == 0 { phase = stage(root: root, template: template) }
                if try !journalEntries(root: root, scratch: scratch).isEmpty { pending += 1 }
            }
            // Restart: the first run that is not killed must finish everything (exit 0,
            // inbox empty); up to two more are allowed only to report what is left.
            var finished = false
            for attempt in 0..<3 {
                let result = try MCND.run(arguments, scratch: scratch.url)
                runs += 1
                if runs == 1 { firstRunSeconds = result.seconds }
                log.append("\(result)")
                guard result.succeeded else {
                    Issue.record("\(context): a restart after kill -9 failed: \(result)")
                    break
                }
                let left = Files.regularFiles(under: inbox)
                #expect(
                    left.isEmpty || attempt > 0, "\(context): a finished --once left \(left.count) files in the inbox: \(left.prefix(10))")
                if left.isEmpty {
                    finished = true
                    break
                }
            }
            #expect(finished, "\(context): the inbox did not empty: \(Files.regularFiles(under: inbox).prefix(10)); runs: \(log)")

            // Once done, a further --once has nothing to do: no line, no run.
            let outbox = Self.outboxFiles.map { FileManager.default.contents(atPath: root + "/outbox/" + $0) }
            let again = try MCND.run(arguments, scratch: scratch.url)
            #expect(again.succeeded, "\(context): \(again)")
            let after = Self.outboxFiles.map { FileManager.default.contents(atPath: root + "/outbox/" + $0) }
            #expect(after == outbox, "\(context): a --once after recovery wrote to the outbox again: \(again)")

            let problems = try verify(root: root, template: template, inputs: inputs, scratch: scratch)
            let rescored = lines("rescored.jsonl") - template.rescoredLines
            if problems.isEmpty {
                try? FileManager.default.removeItem(atPath: root)
            } else {
                let shown: String = problems.prefix(25).joined(separator: "\n")
                let more: String = problems.count > 25 ? "\n… \(problems.count - 25) more" : ""
                let history: String = log.joined(separator: "\n")
                Issue.record("\(context), first kill during \(phase), root \(root):\n\(shown)\(more)\nruns: \(history)")
            }
            return TrialOutcome(
                phase: phase, runs: runs, firstRunSeconds: firstRunSeconds, killsWithPendingJournal: pending,
                rescored: rescored)
        }

    }
}
