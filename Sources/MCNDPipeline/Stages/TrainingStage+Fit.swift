import MCNDModel

/// What a run trained and how it was judged.
struct FittedModel: Sendable {
    var result: TrainingResult
    /// The options the served weights were trained with (sized, and chosen when cross-validated).
    var options: TrainingOptions
    var augmentation: ImageAugmentation?
    /// Logits and labels of the rows that judged the run, from models that never
    /// trained on them, when the served model did: every example out of fold when
    /// cross-validated, the validation rows after a hold-out run trained again on all.
    var heldOut: (logits: [Float], labels: [Int32])?
    /// Out-of-fold accuracy when cross-validated, else the kept epoch's validation accuracy.
    var validationAccuracy: Double?
    var method: ValidationMethod = .holdOut
    var folds: Int?
    /// Every candidate's out-of-fold accuracy, when cross-validated.
    var scores: [CrossValidation.Score] = []
    /// The runs that judged the served model's recipe before it trained: the fold runs, or the hold-out run.
    var judgingSeconds = 0.0
}

/// How a run's model is judged (the `validation` field of `run_started`).
enum ValidationMethod: String, Sendable {
    /// `train.validation_fraction` of the examples, by content hash, never trained on.
    case holdOut = "hold_out"
    /// k folds by content hash; the served model trains on every example.
    case crossValidated = "cross_validated"
    /// Judged on the hold-out as `holdOut`; then the same recipe trains the served model on every example.
    case holdOutThenAll = "hold_out_then_all"

    /// How a full run on `examples` examples (`validation` of them in the hold-out) is judged.
    static func forFullRun(examples: Int, validation: Int, recipe: TrainingRecipe) -> ValidationMethod {
        if recipe.crossValidates(rows: examples) { return .crossValidated }
        return recipe.refits(rows: examples) && validation > 0 ? .holdOutThenAll : .holdOut
    }
}

extension TrainingStage {
    /// Whether this run is full: no model, another input or size of hidden
    /// layer, asked for, every `full_every` runs, a set small enough to
    /// cross-validate or to train again on every example (an incremental run
    /// would leave the served model behind what the data allows), or grown by
    /// `full_growth` since the last full run.
    func needsFullRun(_ request: Pipeline.TrainRequest, serving: ModelFile?, input: InputSpec, examples: Int) throws(PipelineError) -> Bool
    {
        let c = configuration
        guard request != .full, let serving, serving.input == input, serving.weights.units == c.training.units else { return true }
        if c.schedule.fullEvery > 0, try store.runsSinceFull() + 1 >= c.schedule.fullEvery { return true }
        if c.recipe.crossValidates(rows: examples) || c.recipe.refits(rows: examples) { return true }
        guard let lastFull = try store.lastFullRunExamples(), lastFull > 0 else { return true }
        return Double(examples) >= Double(lastFull) * (1 + c.schedule.fullGrowth)
    }

    /// A full run: cross-validated below `train.cross_validation_below` (the
    /// chosen recipe then trains on every example), else on the hold-out's
    /// training rows with early stopping on its validation rows, and below
    /// `train.refit_below` then again on every example. `onEpoch` sees the
    /// served model's epochs; `onJudgingEpoch` the hold-out run's before it.
    func fitFull(
        data: TrainingData, method: ValidationMethod, onEpoch: (EpochReport) throws -> Void,
        onJudgingEpoch: (EpochReport) throws -> Void
    ) throws -> FittedModel {
        let c = configuration
        let image = c.recipe.augmentation(width: c.input.width, height: c.input.height, channels: c.input.channels.count)
        if method == .crossValidated {
            let n = data.train.count + data.validation.count
            let (all, keys) = data.all
            let cv = CrossValidation(keys: keys, folds: c.recipe.folds)
            let mirrorable =
                c.recipe.augmentFlip == .auto
                ? MirrorSymmetry.labels(
                    rows: all.rows, labels: all.labels, classes: data.labels.count,
                    width: c.input.width, height: c.input.height, channels: c.input.channels.count) : []
            let began = ContinuousClock.now
            var finalSeconds = 0.0
            let outcome = try cv.run(
                rows: all.rows, labels: all.labels, classes: data.labels.count,
                candidates: c.recipe.candidates(c.training, rows: n, image: image),
                refine: { c.recipe.refinements(of: $0, image: image, mirrorable: mirrorable) },
                refinementMargin: TrainingRecipe.refinementMargin,
                onEpoch: { report in
                    finalSeconds += report.seconds
                    try onEpoch(report)
                })
            let elapsed = ContinuousClock.now - began
            let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            logger.info(
                "cross-validated (\(c.recipe.folds) folds): \(outcome.scores.map { "\($0.candidate.summary): \($0.accuracy)" }.joined(separator: "; ")); chose \(outcome.chosen.summary)"
            )
            return FittedModel(
                result: outcome.final, options: outcome.chosen.options, augmentation: outcome.chosen.augmentation,
                heldOut: (outcome.outOfFoldLogits, all.labels), validationAccuracy: outcome.accuracy,
                method: .crossValidated, folds: c.recipe.folds, scores: outcome.scores,
                judgingSeconds: max(0, total - finalSeconds))
        }
        let options = c.recipe.sized(c.training, rows: data.train.count)
        let augmentation = c.recipe.holdOutAugmentation(image)
        let validation = data.validation.count > 0 ? (data.validation.rows, data.validation.labels) : nil
        let judged = try Trainer(options: options).train(
            rows: data.train.rows, labels: data.train.labels, classes: data.labels.count,
            validation: validation, augmentation: augmentation, onEpoch: method == .holdOutThenAll ? onJudgingEpoch : onEpoch)
        let accuracy = judged.reports[judged.keptEpoch - 1].validationAccuracy
        guard method == .holdOutThenAll, !judged.diverged else {
            return FittedModel(result: judged, options: options, augmentation: augmentation, validationAccuracy: accuracy)
        }
        // The hold-out judges the recipe; every example then trains the served model, for the
        // whole schedule (three subsets of 5,000 and 10,000 examples: t10k +0.011 and +0.012, docs/training.md).
        let (all, _) = data.all
        let everyExample = c.recipe.sized(c.training, rows: all.count)
        logger.info(
            "judged on the hold-out (\(data.validation.count) examples): accuracy \(accuracy ?? 0), epoch \(judged.keptEpoch) of \(judged.reports.count); now \(everyExample.epochs) epochs on all \(all.count) examples"
        )
        let final = try Trainer(options: everyExample).train(
            rows: all.rows, labels: all.labels, classes: data.labels.count, augmentation: augmentation, onEpoch: onEpoch)
        return FittedModel(
            result: final, options: everyExample, augmentation: augmentation,
            heldOut: (MultiClassNetwork(weights: judged.weights).activations(data.validation.rows).logits, data.validation.labels),
            validationAccuracy: accuracy, method: .holdOutThenAll,
            judgingSeconds: judged.reports.reduce(0) { $0 + $1.seconds })
    }
}

/// Keys of a model's metrics that this stage writes beside the epoch figures.
enum MetricName {
    /// The out-of-fold accuracy of a cross-validated model.
    static let crossValidatedAccuracy = "cv_accuracy"
    static let folds = "cv_folds"
    /// The hold-out accuracy of a model that then trained on every example (the validation rows too).
    static let holdOutAccuracy = "holdout_accuracy"
}
