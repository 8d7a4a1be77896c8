import Foundation
import MCNDFileSystem

/// For `mcnd rebuild`: the files waiting in review/<folder>/ become the review
/// queue again. What the lost database knew of each — the prediction, its
/// confidence and model version, audit, unfamiliar and why — is read back from the
/// file's line in outbox/predictions.jsonl, found by content (SHA-256). A file
/// without such a line (the line rotated away, or the file changed in review/)
/// stays where it is but is not queued: counted as `unmatched`.
struct ReviewQueueRecovery {
    let root: Directory
    let limit: Int

    /// What a `"review": true` prediction line says.
    struct Line {
        var file: String
        var label: String
        var confidence: Double
        var modelVersion: Int
        var audit: Bool
        var unfamiliar: Bool
        var unfamiliarReason: UnfamiliarReason?
    }

    /// The queue rows to insert, and how many files in review/ had no line.
    func items() -> (items: [ReviewItem], unmatched: Int) {
        guard let review = try? root.openDirectory(RawPath(ReviewRouter.Folder.review)),
            let folders = try? review.entriesWithKinds()
        else { return ([], 0) }
        var lines = reviewLines()
        var items: [ReviewItem] = [], unmatched = 0
        let reader = InputReader(root: root)
        for folder in folders.map(\.name).sorted(by: { $0.bytes.lexicographicallyPrecedes($1.bytes) }) {
            let base = RawPath(ReviewRouter.Folder.review) + folder
            guard let names = try? root.openDirectory(base).entriesWithKinds() else { continue }
            // Names starting with "." are a writer's temporary files, as in the inbox.
            for name in names.map(\.name).filter({ $0.bytes.first != UInt8(ascii: ".") })
                .sorted(by: { $0.bytes.lexicographicallyPrecedes($1.bytes) })
            {
                let path = base + name
                guard let read = try? reader.read(path, limit: limit) else {
                    unmatched += 1
                    continue
                }
                let sha = ContentHash.hex(read.bytes)
                // Two requests with one content: the line whose name the file still has, else the first left.
                guard var candidates = lines[sha], !candidates.isEmpty else {
                    unmatched += 1
                    continue
                }
                let i = candidates.firstIndex { RawPath($0.file).lastComponent == name.bytes } ?? 0
                let line = candidates.remove(at: i)
                lines[sha] = candidates
                items.append(
                    ReviewItem(
                        sha256: sha, path: path.bytes, file: line.file, folder: folder.display, label: line.label,
                        confidence: line.confidence, modelVersion: line.modelVersion, audit: line.audit,
                        unfamiliar: line.unfamiliar, unfamiliarReason: line.unfamiliarReason, identity: read.identity.text))
            }
        }
        return (items, unmatched)
    }

    /// The `"review": true` lines of predictions.jsonl by sha256, in file order.
    func reviewLines() -> [String: [Line]] {
        guard let bytes = try? root.readFile(RootLayout.Name.predictions) else { return [:] }
        var out: [String: [Line]] = [:]
        for raw in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let o = try? JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any], o[ReviewKey.review] as? Bool == true,
                let sha = o["sha256"] as? String, let file = o["file"] as? String, let label = o["label"] as? String,
                let confidence = o["confidence"] as? Double, let version = o["model_version"] as? Int
            else { continue }
            out[sha, default: []].append(
                Line(
                    file: file, label: label, confidence: confidence, modelVersion: version,
                    audit: o[ReviewKey.audit] as? Bool ?? false,
                    unfamiliar: o[ReviewKey.unfamiliar] as? Bool ?? false,
                    unfamiliarReason: (o[ReviewKey.unfamiliarReason] as? String).flatMap(UnfamiliarReason.init(rawValue:))))
        }
        return out
    }
}
