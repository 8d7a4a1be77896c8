import MCNDModel
import Testing

/// Behaviour of the trainer beyond the seed's arithmetic (which SeedParityTests covers).
struct TrainerTests {
    /// Three Gaussian blobs in 8 dimensions: learnable, small, deterministic.
    static func blobs(count: Int, seed: UInt64) -> LabeledRows {
        var generator = SeededGenerator(seed: seed)
        var values: [Float] = [], labels: [Int32] = []
        for i in 0..<count {
            let c = i % 3
            labels.append(Int32(c))
            for d in 0..<8 { values.append(Float(generator.normal() * 0.5) + (d % 3 == c ? 1.5 : 0)) }
        }
        return LabeledRows(rows: FeatureRows(values: values, width: 8), labels: labels)
    }

    static let options = TrainingOptions(
        units: 6, batchSize: 16, learningRate: 0.5, epochs: 8, learningRateDecay: 1, threads: 1,
        precision: .f32, optimizer: .sgd, schedule: .constant)

    @Test func sameSeedGivesBitIdenticalWeights() throws {
        let data = Self.blobs(count: 200, seed: 1)
        let a = try Trainer(options: Self.options).train(rows: data.rows, labels: data.labels, classes: 3)
        let b = try Trainer(options: Self.options).train(rows: data.rows, labels: data.labels, classes: 3)
        #expect(a.weights == b.weights)
        var other = Self.options
        other.seed = 43
        let c = try Trainer(options: other).train(rows: data.rows, labels: data.labels, classes: 3)
        #expect(c.weights != a.weights)
    }

    @Test func learnsAndReportsEveryEpoch() throws {
        let data = Self.blobs(count: 300, seed: 2), validation = Self.blobs(count: 90, seed: 3)
        var seen: [Int] = []
        let result = try Trainer(options: Self.options).train(
            rows: data.rows, labels: data.labels, classes: 3,
            validation: (validation.rows, validation.labels)
        ) { seen.append($0.epoch) }
        #expect(seen == Array(1...8))
        #expect(result.reports.last!.loss < result.reports.first!.loss)
        #expect(result.reports.last!.validationAccuracy! > 0.9)
        let evaluated = MultiClassNetwork(weights: result.weights).evaluate(validation.rows, labels: validation.labels)
        #expect(abs(evaluated.loss - result.reports.last!.validationLoss!) < 1e-9)
    }

    @Test func throwingFromTheCallbackEndsTheRun() throws {
        struct Stop: Error {}
        let data = Self.blobs(count: 60, seed: 4)
        var epochs = 0
        #expect(throws: Stop.self) {
            _ = try Trainer(options: Self.options).train(rows: data.rows, labels: data.labels, classes: 3) { report in
                epochs = report.epoch
                if report.epoch == 2 { throw Stop() }
            }
        }
        #expect(epochs == 2)
    }

    @Test func warmStartContinuesFromTheGivenWeights() throws {
        let data = Self.blobs(count: 200, seed: 5)
        var one = Self.options
        one.epochs = 1
        let first = try Trainer(options: one).train(rows: data.rows, labels: data.labels, classes: 3)
        let again = try Trainer(options: one).train(rows: data.rows, labels: data.labels, classes: 3, start: first.weights)
        #expect(again.weights != first.weights)
        #expect(again.reports[0].loss < first.reports[0].loss)
    }

    @Test func growingTheOutputKeepsExistingWeights() throws {
        var generator = SeededGenerator(seed: 6)
        let w = NetworkWeights.initialized(inputs: 8, units: 6, classes: 3, scheme: .xavier, generator: &generator)
        let grown = w.growingOutput(by: 2, scheme: .xavier, generator: &generator)
        #expect(grown.classes == 5)
        #expect(grown.w1 == w.w1 && grown.b1 == w.b1)
        #expect(Array(grown.b2.prefix(3)) == w.b2 && grown.b2.suffix(2).allSatisfy { $0 == 0 })
        for r in 0..<6 {
            #expect(Array(grown.w2[r * 5..<r * 5 + 3]) == Array(w.w2[r * 3..<r * 3 + 3]))
            #expect(grown.w2[r * 5 + 3] != 0)
        }
        // A grown network can be trained on the new classes right away.
        var data = Self.blobs(count: 100, seed: 7)
        data.labels = data.labels.enumerated().map { $0.offset % 10 == 0 ? 4 : $0.element }
        let result = try Trainer(options: Self.options).train(rows: data.rows, labels: data.labels, classes: 5, start: grown)
        #expect(result.weights.classes == 5)
    }

    @Test func earlyStoppingKeepsTheBestEpoch() throws {
        // Training labels that are noise: validation loss soon rises.
        var data = Self.blobs(count: 40, seed: 8)
        let validation = Self.blobs(count: 300, seed: 9)
        data.labels = data.labels.indices.map { Int32(($0 * 7 + $0 / 3) % 3) }
        var options = Self.options
        options.epochs = 200
        options.units = 20
        options.learningRate = 2
        options.earlyStoppingPatience = 3
        options.batchSize = 4
        let result = try Trainer(options: options).train(
            rows: data.rows, labels: data.labels, classes: 3,
            validation: (validation.rows, validation.labels))
        let stopped = result.stoppedEarly, epochs = result.reports.count, keptEpoch = result.keptEpoch
        #expect(stopped)
        #expect(epochs == keptEpoch + 3)
        // The most accurate epoch, the lower loss among equally accurate ones.
        let best = result.reports.min { ($1.validationAccuracy!, -$1.validationLoss!) < ($0.validationAccuracy!, -$0.validationLoss!) }!
        #expect(result.reports[result.keptEpoch - 1] == best)
        let kept = MultiClassNetwork(weights: result.weights).evaluate(validation.rows, labels: validation.labels)
        #expect(abs(kept.loss - best.validationLoss!) < 1e-9 && kept.accuracy == best.validationAccuracy!)
    }

    @Test func learningRateDecaysPerEpoch() throws {
        let data = Self.blobs(count: 30, seed: 10)
        var options = Self.options
        options.learningRateDecay = 0.5
        options.epochs = 3
        options.schedule = .decay
        let result = try Trainer(options: options).train(rows: data.rows, labels: data.labels, classes: 3)
        #expect(result.reports.map(\.learningRate) == [0.5, 0.25, 0.125])
    }

    @Test func divergenceEndsTheRunAndIsReported() throws {
        var data = Self.blobs(count: 30, seed: 11)
        data.rows = FeatureRows(values: Array(repeating: .infinity, count: 30 * 8), width: 8)
        let result = try Trainer(options: Self.options).train(rows: data.rows, labels: data.labels, classes: 3)
        #expect(result.diverged)
        #expect(result.reports.count == 1)
        #expect(!result.weights.isFinite)
    }

    @Test func invalidOptionsAreNamed() {
        var options = TrainingOptions()
        options.batchSize = 0
        options.learningRate = -1
        #expect(options.problems.count == 2)
        #expect(options.problems[0].contains("batch_size"))
        #expect(TrainingOptions().problems.isEmpty && TrainingOptions.book.problems.isEmpty)
    }
}
