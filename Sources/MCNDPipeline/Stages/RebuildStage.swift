import Logging
import MCNDFileSystem
import MCNDImaging
import MCNDModel

/// What `mcnd rebuild` did.
public struct RebuildSummary: Sendable, Equatable {
    /// Where the unusable database was moved (nil when there was none).
    public var setAside: String?
    public var examples = 0
    public var conflicts = 0
    public var rejected = 0
    /// The model re-imported from state/models/ as the serving one.
    public var modelVersion: Int?
    /// Files in review/ known again as the review queue, and those without their prediction line.
    public var reviewQueued = 0
    public var reviewUnmatched = 0
}

/// Recreates the state from what the root still holds: the examples from
/// archive/labeled/<label>/…, the review queue from review/ (with
/// predictions.jsonl), the serving model from the newest
/// state/models/model-N.npz. The old database is moved aside, never deleted.
enum RebuildStage {
    static func run(
        layout: RootLayout, root: Directory, configuration: MCNDConfiguration, logger: Logger
    ) throws(PipelineError) -> RebuildSummary {
        var summary = RebuildSummary()
        let database = RootLayout.Name.database
        if root.exists(database) {
            let aside = database.bytes + Array(".unusable-\(Timestamp.now().replacingColons())".utf8)
            do {
                for suffix in ["", "-wal", "-shm"].map({ Array($0.utf8) }) where root.exists(RawPath(database.bytes + suffix)) {
                    try root.rename(RawPath(database.bytes + suffix), to: RawPath(aside + suffix))
                }
                try root.sync(database.parent)
            } catch {
                throw PipelineError(error)
            }
            summary.setAside = RawPath(aside).display
        }
        let store = try StateStore(layout: layout, root: root, busyTimeout: configuration.stateBusyTimeoutSeconds, holdingRoot: true)
        let archive = RootLayout.Archive.labeled.name
        let scan = InboxScanner(root: root, folder: archive, settleSeconds: 0).scan()
        // input.*: auto chooses again, from everything archived.
        let shape = try InputShapeResolution.shape(
            for: configuration, store: store, root: root, folder: archive, entries: scan.entries, logger: logger)
        let c = InputShapeResolution.applying(shape, to: configuration)
        // Read, hashed and decoded as ingest does it (InputPreparation, on every core), a chunk at a time.
        let preparation = InputPreparation(
            root: root, limit: c.limits.maxInputBytes, normalizer: ImageNormalizer(spec: c.input, limits: c.limits), folder: archive)
        var labels: [String: String] = [:]
        var batch: [NewExample] = []
        for start in stride(from: 0, to: scan.entries.count, by: Self.chunk) {
            for item in preparation.prepare(scan.entries[start..<min(start + Self.chunk, scan.entries.count)]) {
                guard let label = item.entry.label, case .success(let read) = item.read else {
                    summary.rejected += 1
                    continue
                }
                if let existing = labels[read.sha256] {
                    if existing != label { summary.conflicts += 1 }
                    continue
                }
                guard case .success(let pixels) = read.pixels else {
                    summary.rejected += 1
                    continue
                }
                labels[read.sha256] = label
                batch.append(
                    NewExample(
                        sha256: read.sha256, label: label, pixels: pixels, width: c.input.width, height: c.input.height,
                        channels: c.input.channels.count, originalName: item.entry.relative.display, source: read.source))
            }
            _ = try store.commit(examples: batch, journal: [], validationFraction: c.schedule.validationFraction)
            summary.examples += batch.count
            batch = []
        }
        let recovered = ReviewQueueRecovery(root: root, limit: c.limits.maxInputBytes).items()
        _ = try store.commit(
            examples: [], journal: [], reviews: recovered.items.map { .queued($0) },
            validationFraction: c.schedule.validationFraction)
        (summary.reviewQueued, summary.reviewUnmatched) = (recovered.items.count, recovered.unmatched)
        summary.modelVersion = try reimportNewestModel(root: root, store: store, logger: logger)
        store.recordCleanStop()
        return summary
    }

    /// Files read and committed at a time.
    static let chunk = 1024

    /// The newest exported model whose labels are all known serves again, so
    /// predictions go on while the next run retrains.
    static func reimportNewestModel(root: Directory, store: StateStore, logger: Logger) throws(PipelineError) -> Int? {
        let known = try store.labels()
        guard let names = try? root.openDirectory(RootLayout.Name.models).entries() else { return nil }
        let versions = names.compactMap { RootLayout.Name.modelVersion(fileName: $0.display) }
        for version in versions.sorted(by: >) {
            guard let bytes = try? root.readFile(RootLayout.Name.model(version)),
                let model = try? ModelFile(decoding: bytes)
            else { continue }
            guard model.labels.count <= known.count, Array(known.prefix(model.labels.count)) == model.labels else {
                logger.warning("model-\(version).npz does not fit the rebuilt labels; not re-imported")
                continue
            }
            let run = try store.startRun(mode: .full, lastExampleId: 0, trainSamples: 0, validationSamples: 0)
            try store.finishRun(run, outcome: .promoted, reason: "re-imported by mcnd rebuild", model: model, promote: true)
            return version
        }
        return nil
    }
}

extension String {
    func replacingColons() -> String { String(map { $0 == ":" ? "-" : $0 }) }
}
