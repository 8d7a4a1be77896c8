import Foundation
import Logging
import MCNDFileSystem
import MCNDPipeline
import MCNDReviewPage

/// A root with a real review queue: the 300 labeled images of samples/
/// trained on in-process, then the 50 unlabeled ones dropped `copies` times as
/// prediction requests. The target precision is set out of reach, so the
/// young model sends (almost) every request to review/, as it would for a
/// new user. Removed at the end.
final class ReviewRoot: Sendable {
    let path: String
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples")
    static let logger = Logger(label: "mcnd-review-test")

    init(copies: Int) throws {
        path = FileManager.default.temporaryDirectory.path + "/mcnd-review-\(UUID().uuidString)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: path + "/inbox", withIntermediateDirectories: true)
        let labeled = Self.samples.appendingPathComponent("labeled").path
        for label in try fm.contentsOfDirectory(atPath: labeled) {
            try fm.copyItem(atPath: labeled + "/" + label, toPath: path + "/inbox/" + label)
        }
        let unlabeled = Self.samples.appendingPathComponent("unlabeled").path
        for name in try fm.contentsOfDirectory(atPath: unlabeled) where name.hasSuffix(".png") {
            for k in 0..<copies { try fm.copyItem(atPath: unlabeled + "/" + name, toPath: path + "/inbox/c\(k)-" + name) }
        }
        try once()
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    static var configuration: MCNDConfiguration {
        var c = MCNDConfiguration()
        c.settleSeconds = 0
        c.training.epochs = 2
        c.training.units = 8
        c.recipe.minSteps = 0
        c.recipe.crossValidationBelow = 0
        c.recipe.refitBelow = 0
        c.review.targetPrecision = 0.999
        c.review.auditFraction = 0
        return c
    }

    /// A pass of the pipeline (as `mcnd --once`), releasing the root's lock after.
    @discardableResult
    func once() throws -> Pipeline.OnceSummary {
        let pipeline = try Pipeline(root: path, configuration: Self.configuration, logger: Self.logger)
        return try pipeline.once()
    }

    func server() throws -> ReviewServer {
        let layout = RootLayout(root: path)
        var settings = ReviewPageSettings(configuration: Self.configuration)
        settings.address = ListenAddress(host: "127.0.0.1", port: 0)
        return try ReviewServer(root: try layout.openExisting(), layout: layout, settings: settings)
    }

    /// Regular files beneath `relative`, relative to the root, sorted.
    func files(under relative: String) -> [String] {
        let base = path + "/" + relative
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        var out: [String] = []
        while let name = walker.nextObject() as? String {
            var folder: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + name, isDirectory: &folder), !folder.boolValue {
                out.append(relative + "/" + name)
            }
        }
        return out.sorted()
    }

    func lines(_ outbox: String) -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: path + "/outbox/" + outbox) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }
}
