import Glibc
import MCNDModel

/// `mcnd-bench small-data [--sizes 100,300,…] [--subset-seed S] [--test N]
/// [--min-steps N] [--refit-below N] [--augment auto|on|off] [--flip auto|on|off] [--shift N] [--share S] [--select on|off] [--l2 L] [--patience N]
/// [--scale-share S] [--max-scale F] [--max-rotation D] [--direct] [--subsets DIR] [--data DIR]`:
/// trains mcnd's full-run recipe in process on stratified, seeded subsets of
/// Fashion-MNIST's training file (cross-validation and selection below
/// `train.cross_validation_below`, the 20 % hold-out above, then every example
/// below `train.refit_below`) and prints the
/// accuracy on the first N t10k images and the training seconds. The end-to-end
/// figures beside the scikit-learn peers come from scripts/bench-small-data.
/// `--subsets DIR` trains on the rows that script wrote with `--write-subsets
/// DIR` (`SmallDataSubset`): its subsets, and, where it recorded them, the
/// daemon's row order, label numbers and fold keys, so both train the same run.
enum SmallDataBenchmark {
    static let usage =
        "usage: mcnd-bench small-data [--sizes 100,300] [--subset-seed S] [--test N] [--min-steps N] [--refit-below N] "
        + "[--augment auto|on|off] [--flip auto|on|off] [--shift N] [--share S] [--scale-share S] [--max-scale F] [--max-rotation D] "
        + "[--select on|off] [--l2 L] [--direct] [--subsets DIR] [--data DIR]"

    static func run(_ arguments: [String]) throws {
        var sizes = [100, 300, 1000, 3000]
        var subsetSeed: UInt64 = 0, testRows = 10_000
        var recipe = TrainingRecipe()
        var options = TrainingOptions()
        var directory = FashionMNIST.directory
        // --direct: the first candidate trained on all rows, no cross-validation (to compare recipes quickly).
        var direct = false
        var subsets: String?
        var share = ImageAugmentation.defaultShiftShare
        var scaleShare: Double?, maxScale: Double?, maxRotation: Double?
        var rest = arguments[...]
        func value(_ flag: String) -> String {
            guard let text = rest.popFirst() else { fail("\(flag) needs a value") }
            return text
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--sizes": sizes = value(flag).split(separator: ",").compactMap { Int($0) }
            case "--subset-seed": subsetSeed = UInt64(value(flag)) ?? 0
            case "--test": testRows = Int(value(flag)) ?? testRows
            case "--min-steps": recipe.minSteps = Int(value(flag)) ?? recipe.minSteps
            case "--augment": recipe.augment = TrainingRecipe.Augment(rawValue: value(flag)) ?? recipe.augment
            case "--select": recipe.select = value(flag) == "on"
            case "--l2": options.l2 = Float(value(flag)) ?? 0
            case "--lr": options.learningRate = Float(value(flag)) ?? options.learningRate
            case "--units": options.units = Int(value(flag)) ?? options.units
            case "--batch": options.batchSize = Int(value(flag)) ?? options.batchSize
            case "--seed": options.seed = UInt64(value(flag)) ?? options.seed
            case "--direct": direct = true
            case "--precision": options.precision = TrainingPrecision(rawValue: value(flag)) ?? options.precision
            case "--refit-below": recipe.refitBelow = Int(value(flag)) ?? recipe.refitBelow
            case "--folds": recipe.folds = Int(value(flag)) ?? recipe.folds
            case "--patience": options.earlyStoppingPatience = Int(value(flag)) ?? options.earlyStoppingPatience
            case "--shift": recipe.augmentShift = Int(value(flag)) ?? recipe.augmentShift
            case "--flip": recipe.augmentFlip = TrainingRecipe.Augment(rawValue: value(flag)) ?? recipe.augmentFlip
            case "--share": share = Double(value(flag)) ?? share
            case "--scale-share": scaleShare = Double(value(flag))
            case "--max-scale": maxScale = Double(value(flag))
            case "--max-rotation": maxRotation = Double(value(flag))
            case "--data": directory = value(flag)
            case "--subsets": subsets = value(flag)
            default: fail("unknown option \(flag)")
            }
        }
        let all = try FashionMNIST.load(.train, directory: directory)
        let t10k = try FashionMNIST.load(.test, directory: directory)
        let test = t10k.subset(Array(0..<min(testRows, t10k.count)))
        var image = recipe.augmentation(width: 28, height: 28, channels: 1)
        image.shiftShare = share
        if let scaleShare { image.scaleShare = scaleShare }
        if let maxScale { image.maxScale = maxScale }
        if let maxRotation { image.maxRotation = maxRotation }
        for n in sizes {
            let given = try subsets.map { try SmallDataSubset(directory: $0, count: n) }
            let set = given?.rows(of: all) ?? stratified(all, count: n, seed: subsetSeed)
            let began = Monotonic.now()
            var weights: NetworkWeights
            var detail: String
            let mirrorable = MirrorSymmetry.labels(rows: set.rows, labels: set.labels, classes: 10, width: 28, height: 28, channels: 1)
            if direct {
                var c = recipe.candidates(options, rows: n, image: image)[0]
                // --augment on with --flip auto: the symmetric labels mirrored, as cross-validation would try them.
                if recipe.augmentFlip == .auto, c.augmentation != nil { c.augmentation!.mirroredLabels = mirrorable }
                weights = try Trainer(options: c.options).train(
                    rows: set.rows, labels: set.labels, classes: 10, augmentation: c.augmentation
                ).weights
                detail = "direct [\(c.summary), batch \(c.options.batchSize)]"
            } else if recipe.crossValidates(rows: n) {
                // Folds from a key per row, as the pipeline takes them from content hashes.
                var keys = SeededGenerator(seed: 7)
                let cv = CrossValidation(keys: given?.foldKeys ?? (0..<n).map { _ in keys.next() }, folds: recipe.folds)
                let outcome = try cv.run(
                    rows: set.rows, labels: set.labels, classes: 10,
                    candidates: recipe.candidates(options, rows: n, image: image),
                    refine: { recipe.refinements(of: $0, image: image, mirrorable: mirrorable) },
                    refinementMargin: TrainingRecipe.refinementMargin)
                weights = outcome.final.weights
                detail =
                    "cv \(Bench.fixed(outcome.accuracy, 4)) chose [\(outcome.chosen.summary), batch \(outcome.chosen.options.batchSize)] of "
                    + outcome.scores.map { Bench.fixed($0.accuracy, 3) }.joined(separator: " ")
            } else {
                let (train, validation) = set.stratifiedSplit(validationFraction: 0.2)
                var o = recipe.sized(options, rows: train.count)
                o.earlyStoppingPatience = max(o.earlyStoppingPatience, 0)
                let result = try Trainer(options: o).train(
                    rows: train.rows, labels: train.labels, classes: 10, validation: (validation.rows, validation.labels),
                    augmentation: recipe.holdOutAugmentation(image))
                weights = result.weights
                detail = "hold-out, \(o.epochs) epochs of batch \(o.batchSize), kept epoch \(result.keptEpoch)"
                if recipe.refits(rows: n) {
                    // Then every example, as the pipeline does below `train.refit_below`.
                    let every = recipe.sized(options, rows: n)
                    weights = try Trainer(options: every).train(
                        rows: set.rows, labels: set.labels, classes: 10, augmentation: recipe.holdOutAugmentation(image)
                    ).weights
                    detail += ", then \(every.epochs) epochs on all \(n)"
                }
            }
            let seconds = Monotonic.now() - began
            let scored = given?.relabel(test, from: all) ?? test
            let accuracy = MultiClassNetwork(weights: weights).evaluate(scored.rows, labels: scored.labels).accuracy
            print("n \(n): t10k[\(test.count)] \(Bench.fixed(accuracy, 4)) in \(Bench.fixed(seconds, 2)) s — \(detail)")
            fflush(nil)
        }
    }

    /// `count / 10` rows of every class, drawn by a seeded shuffle.
    static func stratified(_ rows: LabeledRows, count: Int, seed: UInt64) -> LabeledRows {
        var generator = SeededGenerator(seed: seed)
        let order = generator.permutation(rows.count)
        var taken = [Int](repeating: 0, count: 10), picked: [Int] = []
        for i in order where taken[Int(rows.labels[i])] < count / 10 {
            taken[Int(rows.labels[i])] += 1
            picked.append(i)
        }
        return rows.subset(picked)
    }

    static func fail(_ reason: String) -> Never {
        Bench.printError("mcnd-bench small-data: \(reason)\n\(usage)")
        exit(2)
    }
}

/// Wall-clock seconds on the monotonic clock.
private enum Monotonic {
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
