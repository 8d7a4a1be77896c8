import Logging
import MCNDImaging
import MCNDModel

/// What a prediction pass did.
public struct PredictSummary: Sendable, Equatable {
    public var predicted = 0
    public var rejected = 0
    /// Waiting in the inbox for a model, or left for a later pass.
    public var waiting = 0
    /// Truncated and changed recently: left for the writer to finish (IncompleteFiles).
    public var incomplete = 0
    /// Of `predicted`: sent to review/ (doubtful, unfamiliar or audit), and of those unfamiliar and audits.
    public var reviewed = 0
    public var unfamiliar = 0
    public var audited = 0
    /// Review files a newer model was sure of (moved on to archive/predicted/).
    public var rescored = 0

    mutating func count(_ d: ReviewRouter.Decision) {
        reviewed += 1
        if d.unfamiliar { unfamiliar += 1 }
        if d.audit { audited += 1 }
    }
}

/// Prediction requests (files at the top of inbox/) become prediction lines,
/// a batch at a time: one sgemm per batch, one fsync per batch.
struct PredictStage {
    let root: Directory
    let layout: RootLayout
    let store: StateStore
    let journal: Journal
    let outbox: Outbox
    /// The serving model when the pass started (nil: requests wait).
    let model: ModelFile?
    let configuration: MCNDConfiguration
    let logger: Logger
    /// Files known to be complete (closed after writing): never held as incomplete.
    var closed: Set<RawPath> = []

    func run(_ inputs: NewInputs) throws(PipelineError) -> PredictSummary {
        var summary = PredictSummary()
        let requests = inputs.requests
        guard !requests.isEmpty else { return summary }
        guard let model else { return try waitForModel(requests) }
        guard let spec = NormalizationSpec(model.input) else {
            throw .corruptState(path: layout.database, reason: "the serving model's input spec is not usable")
        }
        let preparation = InputPreparation(
            root: root, limit: configuration.limits.maxInputBytes,
            normalizer: ImageNormalizer(spec: spec, limits: configuration.limits))
        let network = MultiClassNetwork(weights: model.weights)
        let router = ReviewRouter(model: model, settings: configuration.review)
        try OverlappedBatches.run(
            requests, size: configuration.predictBatch, journal: journal,
            read: { PredictionBatch($0, preparation: preparation, network: network, router: router, featureCount: spec.featureCount) }
        ) { (batch, planned) throws(PipelineError) in
            var outcomes: [JournalRecord] = []
            let namer = DestinationNamer(root: root)
            var decider = decider()
            let time = Timestamp.now()
            for (item, row) in zip(batch.prepared, batch.rows) {
                let entry = item.entry
                guard let read = decider.read(item, into: &outcomes, planned: &planned) else { continue }
                let (sha, identity) = (read.sha256, read.identity)
                guard let row else {
                    if case .failure(let error) = read.pixels {
                        decider.undecodable(error, entry, sha256: sha, identity: identity, into: &outcomes, planned: &planned)
                    }
                    continue
                }
                let d = batch.decisions[row]
                let line = PredictionLine.bytes(
                    file: entry.relative, sha256: sha, probabilities: d.assessment.probabilities[...], model: model, time: time
                ) { router.addMarks(d, to: &$0) }
                // Review files wait for a person whatever `consumed` says.
                let destination =
                    d.review
                    ? namer.unique(d.folder, entry.relative, planned: &planned, baseTaken: batch.destinationTaken[row])
                    : configuration.consumed == .delete ? nil : namer.unannounced(d.folder, entry.relative, planned: &planned)
                var outcome = JournalRecord(
                    source: RootLayout.Folder.inbox.name + entry.relative, sha256: sha, outcome: .predicted,
                    outbox: .predictions, line: OutboxLine(bytes: line), destination: destination, identity: identity)
                if d.review, let destination {
                    outcome.review = .queued(router.item(d, sha256: sha, file: entry.relative, path: destination, identity: identity))
                    summary.count(d)
                }
                outcomes.append(outcome)
                summary.predicted += 1
            }
            try journal.complete(
                examples: [], outcomes: outcomes, validationFraction: configuration.schedule.validationFraction, overlapping: true)
            try decider.finish()
            summary.rejected += decider.rejected
            summary.waiting += decider.leftInPlace
            summary.incomplete += decider.heldIncomplete
        }
        return summary
    }

    /// Without a model, requests wait in the inbox (one event says so), but a
    /// file that is not a PNG at all is rejected now rather than left waiting.
    private func waitForModel(_ requests: [InboxEntry]) throws(PipelineError) -> PredictSummary {
        var summary = PredictSummary()
        var outcomes: [JournalRecord] = []
        var planned = PlannedNames()
        let reader = InputReader(root: root)
        let limit = configuration.limits.maxInputBytes
        var decider = decider()
        for entry in requests {
            let read = Result { () throws(InputFailure) in try reader.read(RootLayout.Folder.inbox.name + entry.relative, limit: limit) }
            // Only the header is checked: the pixels are decoded once a model says at what shape.
            let prepared = InputPreparation.Prepared(
                entry: entry,
                read: read.map { bytes, identity in
                    InputPreparation.Read(
                        sha256: ContentHash.hex(bytes), identity: identity,
                        pixels: Result { () throws(ImageRejection) in
                            _ = try PNGCodec.readHeader(bytes, limits: configuration.limits)
                            return []
                        })
                })
            guard let content = decider.read(prepared, into: &outcomes, planned: &planned),
                decider.pixels(content, of: entry, into: &outcomes, planned: &planned) != nil
            else { continue }
            summary.waiting += 1
        }
        summary.rejected = decider.rejected
        summary.waiting += decider.leftInPlace
        summary.incomplete = decider.heldIncomplete
        try journal.complete(examples: [], outcomes: outcomes, validationFraction: configuration.schedule.validationFraction)
        try decider.finish()
        if summary.waiting > 0, try store.meta(MetaKey.waitingForModel.rawValue) == nil {
            outbox.emit(.waitingForModel) { $0.add("pending", summary.waiting) }
            try store.setMeta(MetaKey.waitingForModel.rawValue, Timestamp.now())
        }
        return summary
    }

    private func decider() -> InputDecider {
        InputDecider(
            root: root, layout: layout, store: store, outbox: outbox, configuration: configuration, closed: closed, logger: logger)
    }
}
