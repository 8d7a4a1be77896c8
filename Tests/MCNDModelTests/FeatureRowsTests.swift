import MCNDModel
import Testing

/// Pixels are stored as bytes and scaled while a batch is gathered — in
/// AVX-512 where the CPU has it (bf16: byte·(1/255), f32: byte/255). That must
/// be exactly the seed's `pixels / 255`: training on the bytes and on the
/// same rows given as `Float(byte) / 255` gives the same weights, bit for
/// bit, in both precisions; every byte value 0…255 occurs.
struct FeatureRowsTests {
    static let width = 64, count = 48

    static func data() -> (pixels: [UInt8], labels: [Int32]) {
        // 97 is odd, so i·97 + 13 runs through every byte value in each 256 entries.
        let pixels = (0..<width * count).map { UInt8(($0 * 97 + 13) % 256) }
        return (pixels, (0..<count).map { Int32($0 % 3) })
    }

    @Test(arguments: [TrainingPrecision.f32, .bf16])
    func bytesScaleExactlyAsTheSeedDivides(_ precision: TrainingPrecision) throws {
        let (pixels, labels) = Self.data()
        #expect(Set(pixels).count == 256)
        let options = TrainingOptions(units: 8, batchSize: 8, epochs: 2, threads: 2, precision: precision)
        let fromBytes = try Trainer(options: options).train(
            rows: FeatureRows(pixels: pixels, width: Self.width), labels: labels, classes: 3)
        let fromValues = try Trainer(options: options).train(
            rows: FeatureRows(values: pixels.map { Float($0) / 255 }, width: Self.width), labels: labels, classes: 3)
        #expect(fromBytes.weights == fromValues.weights)
        #expect(fromBytes.reports.map(\.loss) == fromValues.reports.map(\.loss))

        // Prediction scales the same way (f32 products).
        let network = MultiClassNetwork(weights: fromBytes.weights)
        #expect(
            network.probabilities(FeatureRows(pixels: pixels, width: Self.width))
                == network.probabilities(FeatureRows(values: pixels.map { Float($0) / 255 }, width: Self.width)))
    }
}
