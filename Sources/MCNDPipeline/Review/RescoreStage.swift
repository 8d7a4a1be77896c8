import MCNDImaging
import MCNDModel

/// After a promotion, the files waiting in review/ are predicted again with
/// the new model; those it is sure of (familiar, above their class's
/// threshold) move on to archive/predicted/ with a line in rescored.jsonl,
/// through the journal like every other outcome. predictions.jsonl keeps its
/// one line per input. Audits stay for the person; a file changed or replaced
/// in review/ is never re-scored.
struct RescoreStage {
    let root: Directory
    let store: StateStore
    let journal: Journal
    let serving: ModelFile?
    let configuration: MCNDConfiguration
    /// The serving version the queue was last re-scored with (state `meta`).
    static let metaKey = "review_rescored_version"

    func run() throws(PipelineError) -> Int {
        guard let model = serving else { return 0 }
        let router = ReviewRouter(model: model, settings: configuration.review)
        guard router.active, let spec = NormalizationSpec(model.input) else { return 0 }
        let done = try store.meta(Self.metaKey).flatMap { Int($0) } ?? 0
        guard done < model.version else { return 0 }
        let items = try store.reviewToRescore(olderThan: model.version)
        let normalizer = ImageNormalizer(spec: spec, limits: configuration.limits)
        let network = MultiClassNetwork(weights: model.weights)
        var rescored = 0
        var start = 0
        while start < items.count {
            let chunk = items[start..<min(start + configuration.predictBatch, items.count)]
            start += chunk.count
            var ready: [(item: ReviewItem, identity: FileIdentity, source: SourceFormat)] = []
            var pixels: [UInt8] = []
            for item in chunk {
                guard let id = item.id else { continue }
                let path = RawPath(item.path)
                let read: (bytes: [UInt8], identity: FileIdentity)
                do {
                    read = try InputReader(root: root).read(path, limit: configuration.limits.maxInputBytes)
                } catch {
                    switch error {
                    case .vanished: try store.updateReview(id, status: .gone)
                    case .unreadable(let code) where code == .noSuchFile: try store.updateReview(id, status: .gone)
                    case .changing, .unreadable: break  // Tried again at the next promotion.
                    case .notRegular, .tooLarge: try store.updateReview(id, status: .touched)
                    }
                    continue
                }
                // Touched means changed: the content decides, not the inode (a root
                // copied or restored from a backup has new inodes, the same files).
                guard ContentHash.hex(read.bytes) == item.sha256, let normalized = try? normalizer.normalizeKeepingSource(png: read.bytes)
                else {
                    try store.updateReview(id, status: .touched)
                    continue
                }
                pixels += normalized.pixels
                ready.append((item, read.identity, normalized.source))
            }
            guard !ready.isEmpty else { continue }
            let rows = FeatureRows(pixels: pixels, width: spec.featureCount)
            let activations = network.activations(rows)
            var outcomes: [JournalRecord] = []
            var planned = PlannedNames()
            for (i, (item, identity, format)) in ready.enumerated() {
                // The format check too: a newer model sure of a 32×32 RGBA icon has not learnt what one is.
                let d = router.decide(activations, row: i, inputs: rows, sha256: item.sha256, source: format)
                guard !d.review else {
                    // Still doubtful: it waits, re-scored again by the next model only.
                    try store.updateReview(item.id!, modelVersion: model.version)
                    continue
                }
                let source = RawPath(item.path)
                let destination =
                    configuration.consumed == .delete
                    ? nil
                    : DestinationNamer(root: root).unique(ReviewRouter.Folder.predicted, RawPath(source.lastComponent), planned: &planned)
                var outcome = JournalRecord(
                    source: source, sha256: item.sha256, outcome: .rescored, outbox: .rescored,
                    line: OutboxLine(ReviewEvents.rescored(item, decision: d, model: model, movedTo: destination)),
                    destination: destination,
                    identity: identity)
                outcome.review = .rescored(
                    id: item.id!, label: d.label, confidence: Double(d.assessment.confidence), modelVersion: model.version)
                outcomes.append(outcome)
            }
            try journal.complete(examples: [], outcomes: outcomes, validationFraction: configuration.schedule.validationFraction)
            rescored += outcomes.count
        }
        try store.setMeta(Self.metaKey, String(model.version))
        return rescored
    }
}
