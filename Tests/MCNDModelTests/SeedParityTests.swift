import Foundation
import MCNDModel
import Testing

/// Replays `Fixtures/seed-parity.json` — the seed's own numpy `MultiClassNetwork`
/// (float64, with the per-class b2 gradient and the max-subtracted softmax),
/// written by `scripts/seed_parity_fixture.py` — through mcnd's Float32 trainer:
/// same initial weights, same batch order, every epoch's loss and val_loss and
/// every final weight must match.
///
/// Tolerance: `|mcnd − seed| ≤ 1e-4 · max(|seed|, floor)`.
/// - Losses are sums of O(1) terms, so plain 1e-4 relative applies; the floor
///   (1e-3) only keeps the formula defined.
/// - For weights and probabilities the floor is 1e-2. Float32 rounding in a
///   weight is proportional to what was added into it — an O(1) initial value
///   and updates of O(lr·grad) — not to where it ends up, so a weight that ends
///   near 0 carries the same absolute error as its neighbours. Below |seed| =
///   1e-2 the bound becomes absolute (1e-6), still ~100× the error a float32
///   replay of these cases shows (the fixture script checks every case replays
///   in numpy float32 within 1/10 of this tolerance before writing it).
struct SeedParityTests {
    static let caseNames = ["plain", "l1-and-l2", "l2-pixels", "l1-pixels"]

    static let tolerance = 1e-4
    static let lossFloor = 1e-3
    static let weightFloor = 1e-2

    @Test func fixtureHasTheExpectedCases() throws {
        let fixture = try SeedParityFixture.load()
        #expect(fixture.cases.map(\.name).sorted() == Self.caseNames.sorted())
        #expect(fixture.cases.contains { $0.l1 > 0 && $0.l2 > 0 }, "one case must use l1 and l2 together")
        // The last batch must be short in at least one case, as in the book's run.
        #expect(
            fixture.cases.contains { case_ in
                let rows = fixture.datasets[case_.dataset]!.labels.count
                return rows % case_.batchSize != 0
            })
    }

    @Test(arguments: caseNames)
    func trainerMatchesTheSeed(_ name: String) throws {
        let fixture = try SeedParityFixture.load()
        let parity = try #require(fixture.cases.first { $0.name == name }, "no case \(name) in the fixture")
        let data = try #require(fixture.datasets[parity.dataset], "no dataset \(parity.dataset)")
        let (train, validation) = try data.rows()

        let start = parity.weights(parity.weightsIn, inputs: data.features, classes: data.classes)
        let options = TrainingOptions(
            units: parity.units, batchSize: parity.batchSize, learningRate: Float(parity.learningRate),
            l1: Float(parity.l1), l2: Float(parity.l2), epochs: parity.epochs,
            initialization: .normal, learningRateDecay: 1, seed: 42, threads: 1,
            precision: .f32, optimizer: .sgd, schedule: .constant)
        var streamed: [EpochReport] = []
        let result = try Trainer(options: options).train(
            rows: train, labels: data.labels.map(Int32.init), classes: data.classes,
            validation: (validation, data.valLabels.map(Int32.init)),
            start: start, order: .given(parity.orders)
        ) { streamed.append($0) }

        #expect(result.reports.count == parity.epochs)
        #expect(streamed == result.reports)
        for (e, report) in result.reports.enumerated() {
            #expect(report.learningRate == Float(parity.learningRate), "the seed keeps lr constant")
            #expect(
                Self.close(report.loss, parity.losses[e], floor: Self.lossFloor),
                "\(name) epoch \(e + 1) loss: mcnd \(report.loss), seed \(parity.losses[e])")
            let validationLoss = try #require(report.validationLoss)
            #expect(
                Self.close(validationLoss, parity.valLosses[e], floor: Self.lossFloor),
                "\(name) epoch \(e + 1) val_loss: mcnd \(validationLoss), seed \(parity.valLosses[e])")
        }
        #expect(result.reports.last?.validationAccuracy == parity.valAccuracy)

        let expected = parity.weights(parity.weightsOut, inputs: data.features, classes: data.classes)
        let got = result.weights
        for (label, a, b) in [
            ("w1", got.w1, expected.w1), ("b1", got.b1, expected.b1),
            ("w2", got.w2, expected.w2), ("b2", got.b2, expected.b2),
        ] {
            #expect(a.count == b.count)
            let worst = Self.worstMismatch(a.map(Double.init), b.map(Double.init), floor: Self.weightFloor)
            #expect(worst == nil, "\(name) \(label): \(worst.map { "entry \($0.index): mcnd \($0.got), seed \($0.want)" } ?? "")")
        }

        // The trained weights also predict as the seed does (the inference path).
        let network = MultiClassNetwork(weights: got)
        let probabilities = network.probabilities(validation).map(Double.init)
        let worst = Self.worstMismatch(probabilities, parity.valProbabilities, floor: Self.weightFloor)
        #expect(worst == nil, "\(name) probabilities: \(worst.map { "entry \($0.index): mcnd \($0.got), seed \($0.want)" } ?? "")")
        let evaluated = network.evaluate(
            validation, labels: data.valLabels.map(Int32.init),
            l1: Float(parity.l1), l2: Float(parity.l2))
        #expect(Self.close(evaluated.loss, parity.valLosses.last!, floor: Self.lossFloor))
        #expect(evaluated.accuracy == parity.valAccuracy)
    }

    /// The seed's scalar b2 gradient is a bug mcnd fixes: b2 must actually
    /// move, per class, during training (in the seed it stays put).
    @Test func outputBiasLearnsPerClass() throws {
        let fixture = try SeedParityFixture.load()
        let parity = try #require(fixture.cases.first { $0.name == "plain" })
        let b2In = parity.weightsIn[3], b2Out = parity.weightsOut[3]
        let moves = zip(b2In, b2Out).map { $1 - $0 }
        // With the seed's scalar gradient every class would move by the same ≈0 amount.
        #expect(moves.map(abs).max()! > 1e-2)
        #expect(moves.max()! - moves.min()! > 1e-2)
    }

    static func close(_ a: Double, _ b: Double, floor: Double) -> Bool {
        a.isFinite && abs(a - b) <= tolerance * max(abs(b), floor)
    }

    /// The entry that exceeds the tolerance by the largest factor, or nil.
    static func worstMismatch(_ got: [Double], _ want: [Double], floor: Double) -> (index: Int, got: Double, want: Double)? {
        guard got.count == want.count else { return (-1, Double(got.count), Double(want.count)) }
        var worst: (index: Int, got: Double, want: Double, ratio: Double)?
        for i in got.indices {
            let ratio = abs(got[i] - want[i]) / (tolerance * max(abs(want[i]), floor))
            if !(ratio <= 1), worst == nil || !(ratio <= worst!.ratio) {
                worst = (i, got[i], want[i], ratio)
            }
        }
        return worst.map { ($0.index, $0.got, $0.want) }
    }
}

/// `Fixtures/seed-parity.json`, found next to this file (no bundle resources needed).
struct SeedParityFixture: Decodable {
    struct Dataset: Decodable {
        var features: Int
        var classes: Int
        var labels: [Int]
        var valLabels: [Int]
        var values: [Double]?
        var valValues: [Double]?
        var pixels: [UInt8]?
        var valPixels: [UInt8]?

        /// Training and validation rows as mcnd takes them: values as they are
        /// (dyadic, so exact in Float32), or bytes used as value/255.
        func rows() throws -> (FeatureRows, FeatureRows) {
            if let pixels, let valPixels {
                return (FeatureRows(pixels: pixels, width: features), FeatureRows(pixels: valPixels, width: features))
            }
            let values = try #require(values), valValues = try #require(valValues)
            return (
                FeatureRows(values: values.map(Float.init), width: features),
                FeatureRows(values: valValues.map(Float.init), width: features)
            )
        }
    }

    struct Case: Decodable {
        var name: String
        var dataset: String
        var units: Int
        var batchSize: Int
        var learningRate: Double
        var l1: Double
        var l2: Double
        var epochs: Int
        /// w1, b1, w2, b2, each flattened row-major.
        var weightsIn: [[Double]]
        var orders: [[Int]]
        var losses: [Double]
        var valLosses: [Double]
        var valAccuracy: Double
        var valProbabilities: [Double]
        var weightsOut: [[Double]]

        func weights(_ w: [[Double]], inputs: Int, classes: Int) -> NetworkWeights {
            NetworkWeights(
                inputs: inputs, units: units, classes: classes,
                w1: w[0].map(Float.init), b1: w[1].map(Float.init),
                w2: w[2].map(Float.init), b2: w[3].map(Float.init))
        }
    }

    var datasets: [String: Dataset]
    var cases: [Case]

    static func load() throws -> SeedParityFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/seed-parity.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(SeedParityFixture.self, from: Data(contentsOf: url))
    }
}
