import Foundation
import Logging
import MCNDImaging
import MCNDPipeline

/// A fresh root in a temporary folder, removed at the end, for tests that
/// drive the pipeline in-process.
final class TemporaryRoot {
    let path: String

    init(_ name: String) throws {
        path = FileManager.default.temporaryDirectory.path + "/mcnd-pipeline-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    static let logger = Logger(label: "mcnd-test")

    /// A pipeline on the root with settle 0 and a small network.
    func pipeline(logger: Logger = TemporaryRoot.logger, _ configure: (inout MCNDConfiguration) -> Void = { _ in }) throws -> Pipeline {
        var c = MCNDConfiguration()
        c.settleSeconds = 0
        c.training.epochs = 2
        c.training.units = 8
        // Two epochs on the hold-out: the recipe for small sets has tests of its own.
        c.recipe.minSteps = 0
        c.recipe.crossValidationBelow = 0
        c.recipe.refitBelow = 0
        configure(&c)
        return try Pipeline(root: path, configuration: c, logger: logger)
    }

    /// Writes `bytes` at `relative` (below the root), making folders.
    func write(_ bytes: [UInt8], to relative: String) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: full, contents: Data(bytes)) else { throw CocoaError(.fileWriteUnknown) }
    }

    func read(_ relative: String) -> [UInt8]? { FileManager.default.contents(atPath: path + "/" + relative).map { [UInt8]($0) } }
    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + relative) }

    /// The lines of an outbox file.
    func lines(_ name: String) -> [String] {
        String(decoding: read("outbox/" + name) ?? [], as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Appends `text` to a file below the root, as a crashed writer would have left it.
    func append(_ text: String, to relative: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path + "/" + relative))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// A small gray PNG whose pixels follow `seed`.
    static func png(_ seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        let pixels = (0..<28 * 28).map { _ -> UInt8 in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        return try! PNGCodec.encode(DecodedImage(width: 28, height: 28, layout: .gray, pixels: pixels))
    }

    static func sha256(_ bytes: [UInt8]) -> String { ContentHash.hex(bytes) }
}
