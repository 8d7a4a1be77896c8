import Glibc
import MCNDImaging
import MCNDModel

import Logging
/// What `mcnd rebuild` did.
public struct RebuildSummary: Sendable, Equatable {
    /// Where the unusable database was moved (nil when there was none).
    public var setAside: String?
    public var examples = 0
    public var conflicts = 0
    public var rejected = 0
    /// The model re-imported from state/models/ as the serving one.
    public var modelVersion: Int?
}

/// Recreates the state from what the root still holds: the examples from
/// archive/labeled/<label>/…, the serving model from the newest
/// state/models/model-N.npz. The old database is moved aside, never deleted.
enum RebuildStage {
    static func run(layout: RootLayout, configuration c: MCNDConfiguration, logger: Logger) throws(PipelineError) -> RebuildSummary {
        var summary = RebuildSummary()
        if RawPath(layout.database).exists {
            let aside = layout.database + ".unusable-" + Timestamp.now().replacingColons()
            for suffix in ["", "-wal", "-shm"] where RawPath(layout.database + suffix).exists {
                try RawPath(layout.database + suffix).move(to: RawPath(aside + suffix))
            }
            summary.setAside = layout.relative(aside)
        }
        let store = try StateStore(layout: layout, busyTimeout: c.stateBusyTimeoutSeconds)
        let archive = layout.archive + "/labeled"
        let scan = InboxScanner(inbox: archive, settleSeconds: 0).scan()
        let normalizer = ImageNormalizer(spec: c.input, limits: c.limits)
        var labels: [String: String] = [:]
        var batch: [NewExample] = []
        for entry in scan.entries {
            guard let label = entry.label, entry.problem == nil,
                  let bytes = try? (RawPath(archive) + entry.relative).readRegularFile(limit: c.limits.maxInputBytes) else {
                summary.rejected += 1
                continue
            }
            let sha = PipelineContext.sha256(bytes)
            if let existing = labels[sha] {
                if existing != label { summary.conflicts += 1 }
                continue
            }
            guard let pixels = try? normalizer.normalize(png: bytes) else { summary.rejected += 1; continue }
            labels[sha] = label
            batch.append(NewExample(sha256: sha, label: label, pixels: pixels, width: c.input.width, height: c.input.height,
                                    channels: c.input.channels.count, originalName: entry.relative.display))
            if batch.count == 1024 {
                _ = try store.commit(examples: batch, journal: [], validationFraction: c.schedule.validationFraction)
                summary.examples += batch.count
                batch = []
            }
        }
        _ = try store.commit(examples: batch, journal: [], validationFraction: c.schedule.validationFraction)
        summary.examples += batch.count
        summary.modelVersion = try reimportNewestModel(layout: layout, store: store, logger: logger)
        return summary
    }

    /// The newest exported model whose labels are all known serves again, so
    /// predictions go on while the next run retrains.
    static func reimportNewestModel(layout: RootLayout, store: StateStore, logger: Logger) throws(PipelineError) -> Int? {
        let known = try store.labels()
        guard let dir = opendir(layout.models) else { return nil }
        var versions: [Int] = []
        while let item = readdir(dir) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix("model-"), name.hasSuffix(".npz"), let v = Int(name.dropFirst(6).dropLast(4)) { versions.append(v) }
        }
        closedir(dir)
        for version in versions.sorted(by: >) {
            guard let model = try? ModelFile.read(path: "\(layout.models)/model-\(version).npz") else { continue }
            guard model.labels.count <= known.count, Array(known.prefix(model.labels.count)) == model.labels else {
                logger.warning("model-\(version).npz does not fit the rebuilt labels; not re-imported")
                continue
            }
            let run = try store.startRun(mode: "full", lastExampleId: 0, trainSamples: 0, validationSamples: 0)
            try store.finishRun(run, outcome: "promoted", reason: "re-imported by mcnd rebuild", model: model, promote: true)
            return version
        }
        return nil
    }
}

extension String {
    func replacingColons() -> String { String(map { $0 == ":" ? "-" : $0 }) }
}
