import Foundation
import MCNDFileSystem
import MCNDModel

/// Writes the Prometheus textfile (node_exporter's textfile collector, or any
/// reader): counters from the state's outcome counts, gauges of the dataset,
/// the serving model, the last run. Written to a temporary name that does not
/// end in `.prom` (the collector reads every `*.prom`, dot files included),
/// fsynced and renamed over the file, so no reader ever sees half of it.
public struct MetricsWriter: Sendable {
    let root: Directory
    let store: StateStore
    let settings: MetricsSettings

    public init(root: Directory, store: StateStore, settings: MetricsSettings) {
        self.root = root
        self.store = store
        self.settings = settings
    }

    /// `pending`: files the last pass left in the inbox (unsettled, deferred, waiting for a model);
    /// `wait`: why the daemon holds a due run back, if it does.
    public func text(
        serving: ModelFile?, pending: Int, review: ReviewSnapshot? = nil, wait: TrainingWait.Reason? = nil
    ) throws(PipelineError) -> String {
        let counters = try store.counters()
        var m = MetricsText()
        func count(_ name: String) -> Double { Double(counters[name] ?? 0) }
        m.family("mcnd_predictions_total", .counter, "Prediction lines written to predictions.jsonl.", count(OutcomeCounter.predictions))
        m.family("mcnd_examples_total", .counter, "Labeled files that became training examples.", count(OutcomeCounter.examples))
        m.family(
            "mcnd_duplicate_examples_total", .counter, "Labeled files whose content and label were an example already.",
            count(OutcomeCounter.duplicates))
        let rejected = try store.rejectionsByReason().sorted { $0.key < $1.key }
        m.family(
            "mcnd_rejected_files_total", .counter, "Inputs moved to rejected/, by reason code (conflict included).",
            rejected.map { ([("reason", $0.key)], Double($0.value)) })
        if let review {
            m.family("mcnd_reviewed_files_total", .counter, "Files people reviewed.", Double(review.reviewed))
            m.family(
                "mcnd_review_queue_files", .gauge, "Files waiting for review, by label.",
                review.queue.map { ([("label", $0.label)], Double($0.files)) })
            m.family(
                "mcnd_review_unfamiliar_files", .gauge, "Files waiting in review/_unfamiliar/, by reason (format, content).",
                UnfamiliarReason.allCases.map { ([("reason", $0.rawValue)], Double(review.unfamiliar?[$0.rawValue] ?? 0)) })
        }
        m.family(
            "mcnd_inbox_pending_files", .gauge, "Files the last pass left in the inbox (not settled, deferred, waiting for a model).",
            Double(pending))
        let perLabel = try store.examplesPerLabel()
        m.family(
            "mcnd_examples", .gauge, "Training examples in the state, by label and split.",
            perLabel.flatMap {
                [
                    ([("label", $0.label), ("split", "train")], Double($0.train)),
                    ([("label", $0.label), ("split", "validation")], Double($0.validation)),
                ]
            })
        if let serving {
            m.family("mcnd_model_version", .gauge, "Version of the serving model.", Double(serving.version))
            if let accuracy = serving.metrics["val_accuracy"] {
                m.family(
                    "mcnd_model_validation_accuracy_ratio", .gauge, "Validation accuracy of the serving model when it was trained (0-1).",
                    accuracy)
            }
        }
        let runs = try store.runHistory()
        let succeeded = runs.last {
            $0.outcome == TrainingSummary.Outcome.promoted.rawValue || $0.outcome == TrainingSummary.Outcome.keptServing.rawValue
        }
        if let succeeded, let finished = succeeded.finished, let seconds = Self.epochSeconds(finished) {
            m.family(
                "mcnd_last_run_success_timestamp_seconds", .gauge, "When the last training run that produced a model finished (Unix time).",
                seconds)
        }
        if let last = runs.last(where: { $0.finished != nil && $0.epochs > 0 }) {
            m.family("mcnd_last_run_duration_seconds", .gauge, "Training time of the last finished run (sum of its epochs).", last.seconds)
        }
        m.family(
            "mcnd_runs_total", .counter, "Finished training runs, by outcome.",
            Dictionary(grouping: runs.compactMap(\.outcome), by: { $0 }).sorted { $0.key < $1.key }.map {
                ([("outcome", $0.key)], Double($0.value.count))
            })
        let backlog = try store.trainingBacklog(hasModel: serving != nil)
        m.family(TrainingMetric.waitingExamples.rawValue, .gauge, "Examples no training run has taken yet.", Double(backlog.examples))
        m.family(
            TrainingMetric.oldestWaitingSeconds.rawValue, .gauge,
            "Seconds since the oldest waiting example was ingested (0 when none waits).",
            backlog.oldestAge() ?? 0)
        if let wait {
            m.family(
                TrainingMetric.wait.rawValue, .gauge, "1, by the reason the daemon holds a due run back.",
                [([("reason", wait.rawValue)], 1)])
        }
        m.family("mcnd_build_info", .gauge, "Always 1; the labels say which mcnd wrote this.", [([("version", BuildInfo.version)], 1)])
        return m.text
    }

    /// Writes the textfile (nothing when `metrics.textfile` is empty).
    public func write(
        serving: ModelFile?, pending: Int, review: ReviewSnapshot? = nil, wait: TrainingWait.Reason? = nil
    ) throws(PipelineError) {
        guard !settings.textfile.isEmpty else { return }
        let bytes = Array(try text(serving: serving, pending: pending, review: review, wait: wait).utf8)
        do {
            if settings.textfile.hasPrefix("/") {
                // The operator pointed it outside the root (node_exporter's folder): that folder, opened on its own.
                let folder = String(settings.textfile[..<settings.textfile.lastIndex(of: "/")!])
                let name = RawPath(String(settings.textfile[settings.textfile.index(after: settings.textfile.lastIndex(of: "/")!)...]))
                try Self.replace(in: try Directory.open(path: folder.isEmpty ? "/" : folder), name, with: bytes)
            } else {
                try Self.replace(in: root, RawPath(settings.textfile), with: bytes)
            }
        } catch {
            throw PipelineError(error)
        }
    }

    static func replace(in folder: Directory, _ path: RawPath, with bytes: [UInt8]) throws(FileSystemError) {
        let temporary = path.parent + RawPath(Array(".".utf8) + path.lastComponent + Array(".tmp-\(getpid())".utf8))
        do throws(FileSystemError) {
            let file = try folder.openFile(temporary, .write, create: 0o644, truncate: true)
            try file.writeAll(bytes)
            try file.sync()
            try folder.rename(temporary, to: path, replacing: true)
        } catch {
            try? folder.remove(temporary)
            throw error
        }
        try folder.sync(path.parent)
    }

    /// Seconds since the epoch of an RFC 3339 UTC timestamp as Timestamp writes them.
    static func epochSeconds(_ text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}
