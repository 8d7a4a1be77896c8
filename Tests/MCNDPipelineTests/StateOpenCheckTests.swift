import Foundation
import MCNDPipeline
import Testing

/// The check the state's open runs: the full `PRAGMA quick_check` reads every
/// page, so its cost grew with the examples (1.95 s at 200,000); after a clean
/// stop the open checks the file's header and the small tables only.
@Suite("State open check", .serialized) struct StateOpenCheckTests {
    static let examples = 20_000

    /// A root whose database holds `examples` rows of 784 pixel bytes (about 18 MB).
    static func filledRoot() throws -> TemporaryRoot {
        let root = try TemporaryRoot("open-check")
        let pipeline = try root.pipeline()
        var generator = SystemRandomNumberGenerator()
        for start in stride(from: 0, to: examples, by: 5_000) {
            let batch = (start..<start + 5_000).map { i in
                NewExample(
                    sha256: String(format: "%064x", i), label: ["a", "b"][i % 2],
                    pixels: (0..<784).map { _ in UInt8.random(in: 0...255, using: &generator) }, width: 28, height: 28,
                    channels: 1, originalName: "\(i).png")
            }
            _ = try pipeline.store.commit(examples: batch, journal: [], validationFraction: 0.1)
        }
        pipeline.close()
        return root
    }

    /// Bytes this process has read through read(2)/pread(2) so far (SQLite reads its pages with pread).
    static func bytesRead() throws -> Int {
        let io = try String(contentsOfFile: "/proc/self/io", encoding: .utf8)
        let line = try #require(io.split(separator: "\n").first { $0.hasPrefix("rchar:") })
        return try #require(Int(line.split(separator: " ").last ?? ""))
    }

    static func databaseBytes(_ root: TemporaryRoot) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: root.path + "/state/mcnd.sqlite")
        return try #require((attributes[.size] as? NSNumber)?.intValue)
    }

    @Test("after a clean stop, opening the root reads a small part of the database, not every example")
    func cleanReopenReadsLittle() throws {
        let root = try Self.filledRoot()
        let size = try Self.databaseBytes(root)
        #expect(size > Self.examples * 784, "the examples are in the database: \(size) bytes")
        let before = try Self.bytesRead()
        let pipeline = try root.pipeline()
        let read = try Self.bytesRead() - before
        #expect(read < size / 10, "the open read \(read) bytes of a \(size)-byte database")
        #expect(pipeline.store.openCheck == .small)
    }

    @Test("a stop that did not record itself (killed, a failed statement) makes the next open check every page")
    func uncleanStopChecksEverything() throws {
        let root = try Self.filledRoot()
        do {
            let pipeline = try root.pipeline()
            #expect(pipeline.store.openCheck == .small)
            // Gone without close(): as after a kill, nothing records the stop.
        }
        let size = try Self.databaseBytes(root)
        do {
            let before = try Self.bytesRead()
            let pipeline = try root.pipeline()
            #expect(try Self.bytesRead() - before >= size / 2, "the full check reads the pages")
            #expect(pipeline.store.openCheck == .full(.noCleanStop))
            pipeline.close()
        }
        #expect(try root.pipeline().store.openCheck == .small)
    }

    @Test("a file cut short after a clean stop is checked in full and refused")
    func truncatedAfterCleanStop() throws {
        let root = try Self.filledRoot()
        let path = root.path + "/state/mcnd.sqlite"
        let size = try Self.databaseBytes(root)
        #expect(truncate(path, off_t(size - 4096 * 10)) == 0)
        #expect {
            _ = try root.pipeline()
        } throws: { error in
            guard case PipelineError.corruptState = error else { return false }
            return true
        }
    }
}
