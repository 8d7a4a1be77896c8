import MCNDFileSystem
import MCNDImaging
import MCNDThreads

/// Looks at up to `sampleSize` labeled files, evenly spread over the given
/// entries, before the first of them are stored: their formats and colour
/// choose the input shape every example is then normalized to. Files it
/// cannot read or decode are left out here; ingest gives them their outcome.
struct InputShapeSurvey {
    let root: Directory
    /// The folder the entries are relative to (inbox/ or archive/labeled/).
    let folder: RawPath
    let background: NormalizationSpec.Color
    let limits: DecodeLimits

    /// Enough to see the common size and whether colour is common, cheap next to an ingest.
    static let sampleSize = 256

    func looks(at entries: [InboxEntry]) -> [ImageLook] {
        let labeled = entries.filter { $0.isLabeled && $0.problem == nil }
        guard !labeled.isEmpty else { return [] }
        let step = max(1, labeled.count / Self.sampleSize)
        let sample = stride(from: 0, to: labeled.count, by: step).prefix(Self.sampleSize).map { labeled[$0] }
        let reader = InputReader(root: root)
        return ParallelParts.map(sample, workers: InputPreparation.defaultWorkers) { entry -> ImageLook? in
            guard let bytes = try? reader.read(folder + entry.relative, limit: limits.maxInputBytes, seen: entry.seen).bytes else {
                return nil
            }
            return try? ImageLook(png: bytes, background: background, limits: limits)
        }.compactMap { $0 }
    }
}
