import Foundation
import MCNDModel
import Testing

/// Nesterov momentum, the one-cycle schedule, bf16 products and the options
/// that choose them.
struct OptimizerTests {
    /// Pixel rows (bytes, as mcnd stores images) of three learnable classes.
    static func pixels(count: Int, width: Int = 48, seed: UInt64) -> LabeledRows {
        var generator = SeededGenerator(seed: seed)
        var bytes: [UInt8] = [], labels: [Int32] = []
        for i in 0..<count {
            let c = i % 3
            labels.append(Int32(c))
            for d in 0..<width {
                let v = generator.normal() * 40 + (d % 3 == c ? 160 : 60)
                bytes.append(UInt8(max(0, min(255, v.rounded()))))
            }
        }
        return LabeledRows(rows: FeatureRows(pixels: bytes, width: width), labels: labels)
    }

    static let sgd = TrainingOptions(
        units: 7, batchSize: 40, learningRate: 0.5, epochs: 1, learningRateDecay: 1,
        threads: 1, precision: .f32, optimizer: .sgd, schedule: .constant)

    static func change(_ a: [Float], _ b: [Float]) -> [Double] { zip(a, b).map { Double($1) - Double($0) } }

    /// From zero velocity, Nesterov's first step is (1 + μ) times SGD's, and its
    /// second is `−lr·(g₁ + μ·(μ·g₀ + g₁))` with g₁ SGD's gradient at the new point.
    @Test func nesterovFollowsPyTorchsRule() throws {
        let data = Self.pixels(count: 40, seed: 1)
        let start = try Trainer(options: Self.sgd).train(rows: data.rows, labels: data.labels, classes: 3).weights
        let order = BatchOrder.given([Array(0..<40)])
        func run(_ options: TrainingOptions, from weights: NetworkWeights) throws -> NetworkWeights {
            try Trainer(options: options).train(rows: data.rows, labels: data.labels, classes: 3, start: weights, order: order).weights
        }
        var nesterov = Self.sgd
        nesterov.optimizer = .nesterov
        nesterov.momentum = 0.9
        let sgd1 = try run(Self.sgd, from: start)
        let nesterov1 = try run(nesterov, from: start)
        let lr = Double(Self.sgd.learningRate), mu = 0.9
        let g0 = Self.change(start.w1, sgd1.w1).map { -$0 / lr }
        for (i, step) in Self.change(start.w1, nesterov1.w1).enumerated() {
            #expect(abs(step - -lr * (1 + mu) * g0[i]) <= 1e-6 + 1e-4 * abs(step), "W1[\(i)] first step")
        }
        nesterov.epochs = 2
        let nesterov2 = try run(nesterov, from: start)
        let g1 = Self.change(nesterov1.w1, try run(Self.sgd, from: nesterov1).w1).map { -$0 / lr }
        for (i, step) in Self.change(nesterov1.w1, nesterov2.w1).enumerated() {
            let want = -lr * (g1[i] + mu * (mu * g0[i] + g1[i]))
            #expect(abs(step - want) <= 1e-6 + 1e-4 * abs(want), "W1[\(i)] second step: \(step), want \(want)")
        }
    }

    /// One-cycle: from lr/25 up to lr at 30% of the steps, then down to ≈ lr/250,000.
    @Test func oneCycleRisesThenAnneals() throws {
        let data = Self.pixels(count: 40, seed: 2)
        var options = Self.sgd
        options.schedule = .oneCycle
        options.epochs = 10
        options.batchSize = 40
        options.learningRate = 1
        let rates = try Trainer(options: options).train(rows: data.rows, labels: data.labels, classes: 3).reports.map(\.learningRate)
        #expect(abs(rates[0] - 0.04) < 1e-6)
        let peak = rates.indices.max { rates[$0] < rates[$1] }!
        #expect(peak == 2 && abs(rates[peak] - 1) < 1e-6, "\(rates)")
        #expect(zip(rates[..<peak], rates[1...peak]).allSatisfy { $0 < $1 }, "\(rates)")
        #expect(zip(rates[peak...], rates[(peak + 1)...]).allSatisfy { $0 > $1 }, "\(rates)")
        #expect(abs(rates.last! - 4e-6) < 1e-7, "\(rates)")
    }

    static var nativeBF16: Bool { TrainingPrecision.auto.resolved == .bf16 }

    /// Same seed, data, threads and precision → the same weights, bit for bit,
    /// with every new option on and two threads.
    @Test(arguments: [TrainingPrecision.f32, .bf16])
    func runsAreBitIdentical(_ precision: TrainingPrecision) throws {
        let data = Self.pixels(count: 500, seed: 3)
        let options = TrainingOptions(units: 16, batchSize: 64, epochs: 3, threads: 2, precision: precision)
        let a = try Trainer(options: options).train(rows: data.rows, labels: data.labels, classes: 3)
        let b = try Trainer(options: options).train(rows: data.rows, labels: data.labels, classes: 3)
        #expect(a.weights == b.weights)
        #expect(a.reports.map(\.loss) == b.reports.map(\.loss))
    }

    /// bf16 products change the numbers (they are really used) but not what is learned.
    @Test(.enabled(if: nativeBF16, "this CPU has no native bf16; auto trains in f32 here"))
    func bf16LearnsLikeF32() throws {
        let data = Self.pixels(count: 600, seed: 4), validation = Self.pixels(count: 300, seed: 5)
        var options = TrainingOptions(units: 16, batchSize: 64, epochs: 5, threads: 2, precision: .f32)
        let f32 = try Trainer(options: options).train(
            rows: data.rows, labels: data.labels, classes: 3,
            validation: (validation.rows, validation.labels))
        options.precision = .bf16
        let bf16 = try Trainer(options: options).train(
            rows: data.rows, labels: data.labels, classes: 3,
            validation: (validation.rows, validation.labels))
        #expect(f32.weights != bf16.weights)
        let (a, b) = (f32.reports.last!, bf16.reports.last!)
        #expect(abs(a.validationAccuracy! - b.validationAccuracy!) <= 0.01, "f32 \(a), bf16 \(b)")
        #expect(abs(a.loss - b.loss) <= 0.05 * a.loss + 1e-3, "f32 \(a.loss), bf16 \(b.loss)")
    }

    /// Hyperparameters stored by an mcnd that predates these options describe
    /// what it did: f32, plain SGD, its per-epoch decay.
    @Test func olderModelFilesDecodeAsTheyWereTrained() throws {
        let json =
            #"{"units":100,"batch_size":64,"learning_rate":1,"l1":0,"l2":0,"epochs":40,"initialization":"xavier","#
            + #""learning_rate_decay":0.95,"early_stopping_patience":0,"seed":42,"threads":2}"#
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let options = try decoder.decode(TrainingOptions.self, from: Data(json.utf8))
        #expect(options.precision == .f32 && options.optimizer == .sgd && options.schedule == .decay)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        #expect(try decoder.decode(TrainingOptions.self, from: encoder.encode(TrainingOptions())) == TrainingOptions())
    }

    @Test func badMomentumIsNamed() {
        var options = TrainingOptions()
        options.momentum = 1
        #expect(options.problems == ["momentum must be in [0, 1) (got 1.0)"])
    }
}
