import Logging
import MCNDFileSystem
import MCNDImaging
import MCNDModel

/// What an ingest pass did.
public struct IngestSummary: Sendable, Equatable {
    public var examples = 0
    public var duplicates = 0
    public var conflicts = 0
    public var rejected = 0
    /// Left in place for a later pass (changing, unreadable).
    public var deferred = 0
    /// Truncated and changed recently: left for the writer to finish (IncompleteFiles).
    public var incomplete = 0
}

/// Labeled files become examples (or duplicates, or conflicts); unusable files
/// anywhere are rejected. Prediction requests are left to PredictStage.
struct IngestStage {
    let root: Directory
    let layout: RootLayout
    let store: StateStore
    let journal: Journal
    let outbox: Outbox
    let configuration: MCNDConfiguration
    let logger: Logger
    /// Files known to be complete (closed after writing): never held as incomplete.
    var closed: Set<RawPath> = []

    func run(_ inputs: NewInputs) throws(PipelineError) -> IngestSummary {
        var summary = IngestSummary()
        let c = configuration
        let preparation = InputPreparation(
            root: root, limit: c.limits.maxInputBytes,
            normalizer: ImageNormalizer(spec: c.input, limits: c.limits))
        try OverlappedBatches.run(
            inputs.examples, size: c.ingestBatch, journal: journal, read: { PreparedBatch($0, preparation: preparation) }
        ) { (batch, planned) throws(PipelineError) in
            var examples: [NewExample] = []
            var outcomes: [JournalRecord] = []
            let namer = DestinationNamer(root: root)
            var batchLabels: [String: String] = [:]
            var decider = InputDecider(
                root: root, layout: layout, store: store, outbox: outbox, configuration: c, closed: closed, logger: logger)
            let rejections = RejectionBuilder(root: root)
            let contents = batch.sha256
            let known = try store.existingLabels(sha256: contents)
            var corrections = try ReviewCorrections(store: store, sha256: contents)
            for item in batch.prepared {
                let entry = item.entry
                guard let read = decider.read(item, into: &outcomes, planned: &planned), let label = entry.label else { continue }
                let (sha, identity) = (read.sha256, read.identity)
                let source = RootLayout.Folder.inbox.name + entry.relative
                let existing = batchLabels[sha] ?? known[sha]
                if existing == label {
                    let destination = archiveDestination(entry, namer, planned: &planned)
                    var outcome = JournalRecord(
                        source: source, sha256: sha, outcome: .duplicate, destination: destination, identity: identity)
                    try corrections.resolve(&outcome, file: entry.relative, label: label)
                    outcomes.append(outcome)
                    summary.duplicates += 1
                } else if let existing {
                    outcomes.append(
                        rejections.conflict(
                            entry, sha256: sha, label: label, existing: existing, planned: &planned,
                            identity: identity))
                    summary.conflicts += 1
                } else {
                    guard let pixels = decider.pixels(read, of: entry, into: &outcomes, planned: &planned) else { continue }
                    examples.append(
                        NewExample(
                            sha256: sha, label: label, pixels: pixels, width: c.input.width,
                            height: c.input.height, channels: c.input.channels.count,
                            originalName: entry.relative.display, source: read.source))
                    batchLabels[sha] = label
                    let destination = archiveDestination(entry, namer, planned: &planned)
                    var outcome = JournalRecord(
                        source: source, sha256: sha, outcome: .example, destination: destination, identity: identity)
                    try corrections.resolve(&outcome, file: entry.relative, label: label)
                    outcomes.append(outcome)
                    summary.examples += 1
                }
            }
            try journal.complete(
                examples: examples, outcomes: outcomes, validationFraction: c.schedule.validationFraction, overlapping: true)
            try decider.finish()
            summary.rejected += decider.rejected
            summary.deferred += decider.leftInPlace
            summary.incomplete += decider.heldIncomplete
        }
        return summary
    }

    private func archiveDestination(_ entry: InboxEntry, _ namer: DestinationNamer, planned: inout PlannedNames) -> RawPath? {
        configuration.consumed == .delete ? nil : namer.unannounced(RootLayout.Archive.labeled.rawValue, entry.relative, planned: &planned)
    }
}
