import ArgumentParser
import Foundation
import MCNDPipeline

/// `mcnd status [--json]`: the serving model, the dataset, pending files, the last run.
/// Reads the state read-only, without the root's lock or a write transaction,
/// so it works beside the daemon and while another process holds the write lock.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the model, the dataset and what is pending.")

    @OptionGroup var options: RootOptions

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "One line per instance under /var/lib/mcnd (mcnd@NAME.service): name, model, examples, pending.")
    var all = false

    struct Report: Codable {
        var root: String
        var status: StateStatus
        var pending: Int
        var pendingLabeled: Int
        /// Truncated files left for their writer to finish (incomplete_grace_seconds).
        var incomplete: Int
        /// Inputs done but not moved (their folder is not writable by mcnd), per folder.
        var waitingToMove: [String: Int]
        var review: ReviewStatus
        var training: Training
        /// The shape new examples are normalized to (`input.*`).
        var input: InputShapeStatus
    }

    /// The examples waiting for the next run, and why the daemon holds it back (nil: it does not, or no daemon runs).
    struct Training: Codable {
        var waitingExamples: Int
        var oldestWaiting: String?
        var oldestWaitingSeconds: Double?
        var wait: TrainingWait?
    }

    func validate() throws {
        if all && (options.root != nil || options.instance != nil) {
            throw ValidationError("--all lists every instance; give --all or --root/--instance, not both")
        }
    }

    func run() async throws {
        if all { return try await runAll() }
        let report: Report
        do { report = try await Self.report(options) } catch { throw fail(error) }
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        Self.printText(report)
    }

    /// What status shows for the root `options` name; read-only.
    static func report(_ options: RootOptions) async throws -> Report {
        let layout = RootLayout(root: options.resolvedRoot)
        let report: Report
        do {
            let root = try layout.openExisting()
            let configuration = try await options.configuration()
            let store = try StateStore(readingOnly: layout, root: root, busyTimeout: configuration.stateBusyTimeoutSeconds)
            let waiting = try store.waitingSources()
            let scan = InboxScanner(root: root, settleSeconds: 0).scan()
            let status = try store.status()
            let backlog = try store.trainingBacklog(hasModel: status.model != nil)
            let training = Training(
                waitingExamples: backlog.examples, oldestWaiting: backlog.oldest, oldestWaitingSeconds: backlog.oldestAge(),
                wait: TrainingWait.current(in: root))
            let entries = scan.entries.filter { !waiting.contains((RootLayout.Folder.inbox.name + $0.relative).bytes) }
            report = Report(
                root: layout.root, status: status,
                pending: entries.filter { !$0.isLabeled }.count,
                pendingLabeled: entries.filter(\.isLabeled).count,
                incomplete: try store.incompleteCount(present: scan.entries),
                waitingToMove: try store.waitingToMove(), review: try store.reviewStatus(), training: training,
                input: InputShapeStatus(configuration: configuration, chosen: try store.inputShape()))
        }
        return report
    }

    static func printText(_ report: Report) {
        let s = report.status
        if let m = s.model {
            let accuracy = m.metrics["val_accuracy"].map { String(format: "%.4f", $0) } ?? "n/a"
            print("model: version \(m.version) (\(m.created)), \(m.labels.count) labels, val_accuracy \(accuracy)")
            if let p = s.pinned {
                print("pinned: version \(p.version) since \(p.since); new runs are recorded but do not replace it (`mcnd models unpin`)")
            }
        } else {
            print("model: none yet")
        }
        print("input: \(report.input.text)")
        print("examples: \(s.examples)")
        for (label, n) in s.examplesPerLabel.sorted(by: { $0.key < $1.key }) { print("  \(label): \(n)") }
        print("pending: \(report.pending) to predict, \(report.pendingLabeled) labeled to ingest")
        if report.incomplete > 0 {
            print("incomplete: \(report.incomplete) still being written (left in the inbox, see incomplete_grace_seconds)")
        }
        for (folder, n) in report.waitingToMove.sorted(by: { $0.key < $1.key }) {
            print("waiting to be moved: \(n) in \(folder) (done, but mcnd may not change the folder; see events.jsonl)")
        }
        print(ReviewStatusText(report.review).text, terminator: "")
        print(Self.text(report.training))
        if let r = s.lastRun {
            print("last run: \(r.id) \(r.mode), started \(r.started), \(r.outcome ?? "running")" + (r.reason.map { ": \($0)" } ?? ""))
        }
    }

    static func text(_ t: Training) -> String {
        guard t.waitingExamples > 0, let oldest = t.oldestWaiting else { return "training: no examples waiting for a run" }
        let age = t.oldestWaitingSeconds.map { " (\(Int($0)) s)" } ?? ""
        let why =
            t.wait.map { "the run waits for \($0.reason.explanation) since \($0.since)" }
            ?? "no daemon holds the run back (it starts on the daemon's next tick; without a daemon, `mcnd --once` or `mcnd train`)"
        return "training: \(t.waitingExamples) examples waiting, the oldest since \(oldest)\(age); \(why)"
    }
}
