import Foundation
import MCNDModel
import MCNDPipeline
import Testing

/// What a run reads from the state: the rows at one shape in id order, split,
/// with their fold keys, source formats and the labels that have training rows.
struct TrainingDataTests {
    static func example(_ i: Int, label: String, side: Int = 2, format: SourceFormat?) -> NewExample {
        // Digits 9–24 of the hash carry `i` (the fold key); the hold-out reads digits 1–8.
        NewExample(
            sha256: String(format: "%08x%016llx", i * 2_654_435_761 % 0xffff_ffff, UInt64(i) &* 0x9e37_79b9_7f4a_7c15)
                + String(repeating: "0", count: 40),
            label: label, pixels: (0..<side * side).map { UInt8(truncatingIfNeeded: i &+ $0) }, width: side, height: side,
            channels: 1, originalName: "\(i).png", source: format)
    }

    static let gray = SourceFormat(width: 2, height: 2, kind: .gray, bitDepth: 8, transparent: false)

    /// A fresh root's pipeline with `examples` stored (30 % validation).
    static func pipeline(storing examples: [NewExample], _ name: String) throws -> (TemporaryRoot, Pipeline) {
        let root = try TemporaryRoot(name)
        let pipeline = try root.pipeline()
        _ = try pipeline.store.commit(examples: examples, journal: [], validationFraction: 0.3)
        return (root, pipeline)
    }

    @Test("the rows at a shape come in id order with their fold keys, formats, and the other shapes counted")
    func rowsKeysAndFormats() throws {
        let gray = Self.gray, rgb = SourceFormat(width: 3, height: 2, kind: .rgb, bitDepth: 8, transparent: false)
        // Formats in runs (gray, rgb, gray), and one example at another shape whose label has no other.
        let examples =
            (0..<30).map { Self.example($0, label: ["a", "b"][$0 % 2], format: $0 < 10 || $0 >= 25 ? gray : rgb) }
            + [Self.example(30, label: "c", side: 3, format: gray)]
        let (root, pipeline) = try Self.pipeline(storing: examples, "training-data")
        defer { withExtendedLifetime(root) { pipeline.close() } }
        let data = try pipeline.store.trainingData(width: 2, height: 2, channels: 1)
        #expect(data.train.count + data.validation.count == 30)
        #expect(data.train.count > 0 && data.validation.count > 0)
        #expect(data.otherShape == 1)
        #expect(data.formats == TrainingFormats([gray: 15, rgb: 15]))
        #expect(try pipeline.store.trainingLabelCount(width: 2, height: 2, channels: 1) == 2)
        // Each part in id order: its rows' pixels, labels and keys are those of its examples.
        for (part, keys) in [(data.train, data.trainKeys), (data.validation, data.validationKeys)] {
            let values = try #require(Self.pixels(part.rows))
            for r in 0..<part.count {
                let row = Array(values[r * 4..<(r + 1) * 4])
                let i = Int(row[0])
                #expect(row == examples[i].pixels)
                #expect(part.labels[r] == Int32(i % 2))
                #expect(keys[r] == UInt64(i) &* 0x9e37_79b9_7f4a_7c15)
                if r > 0 { #expect(Int(values[(r - 1) * 4]) < i, "id order") }
            }
        }
    }

    @Test("an example stored without its format leaves the formats unknown")
    func unknownFormat() throws {
        let examples = (0..<6).map { Self.example($0, label: "a", format: $0 == 3 ? nil : Self.gray) }
        let (root, pipeline) = try Self.pipeline(storing: examples, "training-data-unknown")
        defer { withExtendedLifetime(root) { pipeline.close() } }
        let data = try pipeline.store.trainingData(width: 2, height: 2, channels: 1)
        #expect(data.train.count + data.validation.count == 6)
        #expect(data.formats == nil)
    }

    static func pixels(_ rows: FeatureRows) -> [UInt8]? {
        if case .pixels(let p) = rows.storage { return p }
        return nil
    }
}
