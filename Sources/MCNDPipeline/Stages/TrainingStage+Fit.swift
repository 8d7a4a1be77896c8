import MCNDModel

/// What a run trained and how it was judged.
struct FittedModel: Sendable {
    var result: TrainingResult
    /// The options the served weights were trained with (sized, and chosen when cross-validated).
    var options: TrainingOptions
    var augmentation: ImageAugmentation?
    /// Out-of-fold logits and labels of every example, when cross-validated.
    var heldOut: (logits: [Float], labels: [Int32])?
    /// Out-of-fold accuracy when cross-validated, else the kept epoch's validation accuracy.
    var validationAccuracy: Double?
    var folds: Int?
    /// Every candidate's out-of-fold accuracy, when cross-validated.
    var scores: [CrossValidation.Score] = []
    /// The fold runs before the final one, when cross-validated.
    var crossValidationSeconds = 0.0

    var crossValidated: Bool { folds != nil }
}

/// How a run's model is judged (the `validation` field of `run_started`).
enum ValidationMethod: String, Sendable {
    /// `train.validation_fraction` of the examples, by content hash, never trained on.
    case holdOut = "hold_out"
    /// k folds by content hash; the served model trains on every example.
    case crossValidated = "cross_validated"
}

extension TrainingStage {
    /// Whether this run is full: no model, another input or size of hidden
    /// layer, asked for, every `full_every` runs, a set small enough to
    /// cross-validate, or grown by `full_growth` since the last full run.
    func needsFullRun(_ request: Pipeline.TrainRequest, serving: ModelFile?, input: InputSpec, examples: Int) throws(PipelineError) -> Bool
    {
        let c = configuration
        guard request != .full, let serving, serving.input == input, serving.weights.units == c.training.units else { return true }
        if c.schedule.fullEvery > 0, try store.runsSinceFull() + 1 >= c.schedule.fullEvery { return true }
        if c.recipe.crossValidates(rows: examples) { return true }
        guard let lastFull = try store.lastFullRunExamples(), lastFull > 0 else { return true }
        return Double(examples) >= Double(lastFull) * (1 + c.schedule.fullGrowth)
    }

    /// A full run: cross-validated below `train.cross_validation_below` (the
    /// chosen recipe then trains on every example), else on the hold-out's
    /// training rows with early stopping on its validation rows.
    func fitFull(data: TrainingData, onEpoch: (EpochReport) throws -> Void) throws -> FittedModel {
        let c = configuration
        let n = data.train.count + data.validation.count
        let image = c.recipe.augmentation(width: c.input.width, height: c.input.height, channels: c.input.channels.count)
        if c.recipe.crossValidates(rows: n) {
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
                folds: c.recipe.folds, scores: outcome.scores, crossValidationSeconds: max(0, total - finalSeconds))
        }
        let options = c.recipe.sized(c.training, rows: data.train.count)
        let augmentation = c.recipe.holdOutAugmentation(image)
        let validation = data.validation.count > 0 ? (data.validation.rows, data.validation.labels) : nil
        let result = try Trainer(options: options).train(
            rows: data.train.rows, labels: data.train.labels, classes: data.labels.count,
            validation: validation, augmentation: augmentation, onEpoch: onEpoch)
        return FittedModel(
            result: result, options: options, augmentation: augmentation,
            validationAccuracy: result.reports[result.keptEpoch - 1].validationAccuracy)
    }
}

/// Keys of a model's metrics that this stage writes beside the epoch figures.
enum MetricName {
    /// The out-of-fold accuracy of a cross-validated model.
    static let crossValidatedAccuracy = "cv_accuracy"
    static let folds = "cv_folds"
}
