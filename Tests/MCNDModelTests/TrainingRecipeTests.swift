import MCNDModel
import Testing

/// The recipe that fits a run to its data: step budget, batch, folds,
/// augmentation and the choice among candidates.
struct TrainingRecipeTests {
    @Test("a small set trains in small batches for at least min_steps steps; a large one as configured")
    func sizing() {
        let recipe = TrainingRecipe()
        let small = recipe.sized(TrainingOptions(), rows: 300)
        #expect(small.batchSize == 32)
        let steps = small.epochs * ((300 + small.batchSize - 1) / small.batchSize)
        #expect(steps >= recipe.minSteps && steps < recipe.minSteps + 10, "\(steps) steps")
        let large = recipe.sized(TrainingOptions(), rows: 48_000)
        #expect(large.batchSize == 256 && large.epochs == 28, "60,000 images keep the default recipe")
        #expect(recipe.sized(.book, rows: 48_000) == .book, "the book's run on Fashion-MNIST is the book's")
        var off = recipe
        off.minSteps = 0
        #expect(off.sized(TrainingOptions(), rows: 300).epochs == 28)
    }

    @Test("cross-validation below its size, with the configured recipe first among the candidates unless it is unpenalised")
    func candidates() {
        let recipe = TrainingRecipe()
        #expect(recipe.crossValidates(rows: 300) && !recipe.crossValidates(rows: 5000))
        let image = recipe.augmentation(width: 28, height: 28, channels: 1)
        let first = recipe.candidates(TrainingOptions(), rows: 300, image: image)
        #expect(first.map(\.options.l2) == TrainingRecipe.penalties, "train.l2 0 (the default) is not cross-validated")
        var penalised = TrainingOptions()
        penalised.l2 = 0.2
        #expect(recipe.candidates(penalised, rows: 300, image: image).map(\.options.l2) == [0.2] + TrainingRecipe.penalties)
        penalised.l2 = 0.03
        #expect(recipe.candidates(penalised, rows: 300, image: image).map(\.options.l2) == [0.03, 0.01, 0.1])
        #expect(first.allSatisfy { $0.augmentation == image }, "augment auto shifts every candidate of a small set")
        #expect(recipe.refinements(of: first[1], image: image) == [.init(options: first[1].options, augmentation: nil)])
        var fixed = recipe
        fixed.select = false
        #expect(fixed.candidates(TrainingOptions(), rows: 300, image: image).count == 1)
        fixed.augment = .on
        #expect(fixed.candidates(TrainingOptions(), rows: 300, image: image).first?.augmentation == image)
    }

    @Test("a shift moves every pixel by (dx, dy), fills with 0, and the same seed gives the same rows")
    func shifts() {
        // One bright pixel at (2, 3) in a 6×5 image, many copies: each lands within ±1 of it.
        var pixels = [UInt8](repeating: 0, count: 30)
        pixels[3 * 6 + 2] = 200
        let rows = FeatureRows(pixels: Array((0..<50).map { _ in pixels }.joined()), width: 30)
        let labels = [Int32](repeating: 0, count: 50)
        let augmentation = ImageAugmentation(width: 6, height: 5, channels: 1, maxShift: 1, shiftShare: 1)
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let shifted = augmentation.apply(to: rows, labels: labels, generator: &a)
        guard case .pixels(let out) = shifted.storage,
            case .pixels(let again) = augmentation.apply(to: rows, labels: labels, generator: &b).storage
        else {
            Issue.record("pixel rows stay pixel rows")
            return
        }
        #expect(out == again)
        var moved = Set<Int>()
        for r in 0..<50 {
            let row = Array(out[r * 30..<(r + 1) * 30])
            #expect(row.filter { $0 != 0 } == [200], "row \(r) keeps its one pixel")
            let at = row.firstIndex(of: 200)!
            #expect(abs(at % 6 - 2) <= 1 && abs(at / 6 - 3) <= 1)
            moved.insert(at)
        }
        #expect(moved.count == 9, "all nine offsets occur in 50 rows")
        let flipped = ImageAugmentation(width: 6, height: 5, channels: 1, maxShift: 0, flip: true)
        var c = SeededGenerator(seed: 1)
        guard case .pixels(let mirrored) = flipped.apply(to: rows, labels: labels, generator: &c).storage else {
            Issue.record("pixel rows stay pixel rows")
            return
        }
        let places = Set((0..<50).map { r in mirrored[r * 30..<(r + 1) * 30].firstIndex(of: 200)! - r * 30 })
        #expect(places == [3 * 6 + 2, 3 * 6 + 3], "a flip mirrors x: 2 → 6 − 1 − 2")
    }

    @Test("out-of-fold predictions come from models that never saw the row")
    func outOfFold() throws {
        // Random labels: a network memorizes them (in-sample accuracy high) but
        // cannot predict a row it did not see (out-of-fold accuracy near 1/3).
        var data = TrainerTests.blobs(count: 150, seed: 3)
        var generator = SeededGenerator(seed: 4)
        data.labels = data.labels.map { _ in Int32(generator.next() % 3) }
        var options = TrainerTests.options
        options.units = 64
        options.epochs = 300
        options.batchSize = 16
        options.learningRate = 1
        let keys = (0..<150).map { UInt64($0 &* 2_654_435_761) }
        let cv = CrossValidation(keys: keys, folds: 5)
        let outcome = try cv.run(rows: data.rows, labels: data.labels, classes: 3, candidates: [.init(options: options)])
        let inSample = MultiClassNetwork(weights: outcome.final.weights).evaluate(data.rows, labels: data.labels).accuracy
        #expect(inSample > 0.8, "the final model trains on every row (in-sample \(inSample))")
        #expect(outcome.accuracy < 0.5, "out-of-fold accuracy \(outcome.accuracy) on random labels")
        #expect(outcome.outOfFoldLogits.count == 150 * 3)
        let again = try cv.run(rows: data.rows, labels: data.labels, classes: 3, candidates: [.init(options: options)])
        #expect(again.final.weights == outcome.final.weights && again.outOfFoldLogits == outcome.outOfFoldLogits, "bit-identical")
        #expect(CrossValidation(keys: keys + [99], folds: 5).fold.prefix(150) == cv.fold[...], "a new row moves no other")
    }

    @Test("one-cycle: early stopping judges only the epochs after the rate's peak")
    func oneCycleWarmUpIsNotJudged() throws {
        let data = TrainerTests.blobs(count: 60, seed: 5)
        let validation = TrainerTests.blobs(count: 90, seed: 6)
        var options = TrainerTests.options
        options.schedule = .oneCycle
        options.epochs = 20
        options.earlyStoppingPatience = 2
        let result = try Trainer(options: options).train(
            rows: data.rows, labels: data.labels, classes: 3, validation: (validation.rows, validation.labels))
        #expect(result.keptEpoch > 6, "epochs 1–6 are the warm-up (30 % of 20): kept \(result.keptEpoch)")
    }

    @Test("early stopping keeps the best epoch's weights even when it never stops")
    func keepsBestEpoch() throws {
        let data = TrainerTests.blobs(count: 60, seed: 5)
        let validation = TrainerTests.blobs(count: 90, seed: 6)
        var noisy = data
        noisy.labels = data.labels.indices.map { Int32(($0 * 7 + $0 / 3) % 3) }
        var options = TrainerTests.options
        options.epochs = 12
        options.earlyStoppingPatience = 100
        let result = try Trainer(options: options).train(
            rows: noisy.rows, labels: noisy.labels, classes: 3, validation: (validation.rows, validation.labels))
        let best = result.reports.min { ($1.validationAccuracy!, -$1.validationLoss!) < ($0.validationAccuracy!, -$0.validationLoss!) }!
        #expect(result.keptEpoch == best.epoch)
        #expect(!result.stoppedEarly && result.reports.count == 12)
        let kept = MultiClassNetwork(weights: result.weights).evaluate(validation.rows, labels: validation.labels)
        #expect(abs(kept.loss - best.validationLoss!) < 1e-9)
    }
}
