import Foundation
import Logging
import MCNDImaging
import MCNDModel

/// What a training pass did.
public struct TrainingSummary: Sendable, Equatable {
    /// `notDue`: no run (the reason says why); the others end a run.
    public enum Outcome: String, Sendable {
        case notDue = "not_due", promoted, keptServing = "kept_serving", diverged, interrupted
    }
    public var outcome: Outcome = .notDue
    public var run: Int64?
    public var mode: RunMode?
    public var modelVersion: Int?
    public var validationAccuracy: Double?
    /// Why not due, or why the new model was not promoted.
    public var reason: String?
}

/// Trains when labeled examples arrived since the last run: a full run (no
/// model, input shape changed, asked for, or every Nth run) or an incremental
/// one from the serving model, growing its output layer for new labels.
struct TrainingStage: Sendable {
    let root: Directory
    let layout: RootLayout
    let store: StateStore
    let outbox: Outbox
    /// Read at the start of the run, replaced by a promotion.
    let serving: ServingModel
    /// A copy: a reload during a run does not change the run.
    let configuration: MCNDConfiguration
    let logger: Logger

    /// Thrown from the epoch callback when `shouldStop` says so (daemon shutdown).
    struct Interrupted: Error {}

    /// True when labeled examples arrived since the last completed run (or
    /// there is no model yet and there are examples): what `ifDue` trains on.
    func isDue() throws(PipelineError) -> Bool {
        let newest = try store.newestExampleId()
        guard newest > 0 else { return false }
        guard let last = try store.lastRun(), serving.current != nil else { return true }
        return last.lastExampleId < newest
    }

    func run(
        _ request: Pipeline.TrainRequest, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) throws(PipelineError) -> TrainingSummary {
        // The training rows are released before the report; it evaluates on the run's validation rows.
        let (summary, validation) = try trainAndConclude(request, shouldStop: shouldStop)
        if let validation {
            // report.html, report.json and losses.svg show this run and the model now serving.
            ReportWriter(
                root: root, store: store, serving: serving.current, review: try? store.reviewSnapshot(serving: serving.current),
                validation: validation
            ).writeLogging(logger)
        }
        return summary
    }

    /// The run, and when it was concluded (a model judged, promoted or not) its validation rows.
    private func trainAndConclude(
        _ request: Pipeline.TrainRequest, shouldStop: @escaping @Sendable () -> Bool
    ) throws(PipelineError) -> (TrainingSummary, validation: ValidationRows?) {
        guard request != .never else { return (TrainingSummary(reason: "training not requested"), nil) }
        let c = configuration
        let newest = try store.newestExampleId()
        let last = try store.lastRun()
        if request == .ifDue, let last, last.lastExampleId >= newest, serving.current != nil {
            return (TrainingSummary(reason: "no new examples since run \(last.id)"), nil)
        }
        // Count before loading the pixels: an ingest-only pass stays small.
        let labelsWithTrainingRows = try store.trainingLabelCount(
            width: c.input.width, height: c.input.height, channels: c.input.channels.count)
        guard labelsWithTrainingRows >= c.schedule.minLabels else {
            return (
                TrainingSummary(
                    reason:
                        "training examples in \(labelsWithTrainingRows) labels; training needs examples of at least \(c.schedule.minLabels) labels"
                ), nil
            )
        }
        let data = try store.trainingData(width: c.input.width, height: c.input.height, channels: c.input.channels.count)
        let present = Set(data.train.labels + data.validation.labels).count
        guard data.train.count > 0, present >= c.schedule.minLabels else {
            return (
                TrainingSummary(
                    reason:
                        "\(data.train.count) training examples in \(present) labels; training needs examples of at least \(c.schedule.minLabels) labels"
                ), nil
            )
        }
        let input = InputSpec(c.input)
        let serving = self.serving.current
        let examples = data.train.count + data.validation.count
        let full = try needsFullRun(request, serving: serving, input: input, examples: examples)

        var options = c.training
        var start: NetworkWeights?
        var trainedEpochs = 0
        if !full, let serving {
            trainedEpochs = Int(serving.metrics["epochs_trained"] ?? 0)
            options.epochs = c.schedule.incrementalEpochs
            // Continue the learning-rate schedule where the serving model's lineage left it.
            options.learningRate = c.training.learningRate * powf(c.training.learningRateDecay, Float(trainedEpochs))
            options.seed = c.training.seed &+ UInt64(newest)
            var generator = SeededGenerator(seed: options.seed)
            start = serving.weights.growingOutput(
                by: data.labels.count - serving.weights.classes,
                scheme: c.training.initialization, generator: &generator)
        }
        let mode: RunMode = full ? .full : .incremental
        // Cross-validated, or judged on the hold-out and trained again: every example trains the served model.
        let method: ValidationMethod =
            full ? .forFullRun(examples: examples, validation: data.validation.count, recipe: c.recipe) : .holdOut
        let samples: (train: Int, validation: Int) =
            switch method {
            case .crossValidated: (examples, examples)
            case .holdOutThenAll: (examples, data.validation.count)
            case .holdOut: (data.train.count, data.validation.count)
            }
        if full { options = c.recipe.sized(c.training, rows: samples.train) }
        let run = try store.startRun(
            mode: mode, lastExampleId: data.lastExampleId, trainSamples: samples.train, validationSamples: samples.validation)
        outbox.emit(.runStarted) { line in
            line.add("run", Int(run))
            line.add("mode", mode.rawValue)
            line.add("epochs", options.epochs)
            line.add("train_samples", samples.train)
            line.add("val_samples", samples.validation)
            line.add("validation", method.rawValue)
            line.add("labels", strings: data.labels)
        }
        logger.info(
            "run \(run): \(mode), \(options.epochs) epochs of batch \(options.batchSize), \(samples.train) training and \(samples.validation) validation examples (\(method.rawValue))"
        )

        let fitted: FittedModel
        do {
            let onEpoch = { (report: EpochReport) throws in
                try writeLossLine(run: run, mode: mode, report: report, samples: samples)
                if shouldStop() { throw Interrupted() }
            }
            if full {
                fitted = try fitFull(
                    data: data, method: method, onEpoch: onEpoch,
                    onJudgingEpoch: { _ in if shouldStop() { throw Interrupted() } })
            } else {
                let validation = data.validation.count > 0 ? (data.validation.rows, data.validation.labels) : nil
                let result = try Trainer(options: options).train(
                    rows: data.train.rows, labels: data.train.labels, classes: data.labels.count,
                    validation: validation, start: start, onEpoch: onEpoch)
                fitted = FittedModel(
                    result: result, options: options, validationAccuracy: result.reports[result.keptEpoch - 1].validationAccuracy)
            }
        } catch is Interrupted {
            let reason = "mcnd was stopped during the run"
            try store.finishRun(run, outcome: .interrupted, reason: reason, model: nil, promote: false)
            outbox.emit(.runFinished) { line in
                line.add("run", Int(run))
                line.add("mode", mode.rawValue)
                line.add("outcome", RunOutcome.interrupted.rawValue)
            }
            return (TrainingSummary(outcome: .interrupted, run: run, mode: mode, reason: reason), nil)
        } catch let error as PipelineError {
            _ = try? store.finishRun(run, outcome: .failed, reason: error.description, model: nil, promote: false)
            throw error
        } catch {
            _ = try? store.finishRun(run, outcome: .failed, reason: "\(error)", model: nil, promote: false)
            throw .trainingFailed(run: run, reason: "\(error)")
        }
        let summary = try conclude(
            run: run, mode: mode, fitted: fitted, data: data, input: input, samples: samples,
            trainedEpochs: trainedEpochs + fitted.result.reports.count)
        return (
            summary,
            ValidationRows(
                rows: data.validation, ids: data.validationIds, shape: [c.input.width, c.input.height, c.input.channels.count])
        )
    }

    private func writeLossLine(
        run: Int64, mode: RunMode, report: EpochReport, samples: (train: Int, validation: Int)
    ) throws(PipelineError) {
        var line = JSONLine()
        line.add("run", Int(run))
        line.add("mode", mode.rawValue)
        line.add("epoch", report.epoch)
        line.add("epochs", report.epochs)
        line.add("loss", report.loss)
        line.add("val_loss", report.validationLoss)
        line.add("val_accuracy", report.validationAccuracy)
        line.add("train_samples", samples.train)
        line.add("val_samples", samples.validation)
        line.add("learning_rate", Double(report.learningRate))
        line.add("seconds", (report.seconds * 1000).rounded() / 1000)
        line.add("time", Timestamp.now())
        try outbox.losses.append(line.line)
        try outbox.losses.sync()
        try store.recordEpoch(run: run, report)
    }

    private func conclude(
        run: Int64, mode: RunMode, fitted: FittedModel, data: TrainingData, input: InputSpec,
        samples: (train: Int, validation: Int), trainedEpochs: Int
    ) throws(PipelineError) -> TrainingSummary {
        let result = fitted.result
        let final = result.reports[result.keptEpoch - 1]
        let promotion = Promotion(
            root: root, layout: layout, store: store, outbox: outbox, serving: serving, configuration: configuration,
            logger: logger)
        var verdict = promotion.judge(fitted, data: data, input: input)
        let model: ModelFile? =
            if case .diverged = verdict { nil } else {
                try modelFile(fitted: fitted, data: data, input: input, samples: samples, trainedEpochs: trainedEpochs)
            }
        verdict = try promotion.conclude(run: run, verdict: verdict, model: model, validationAccuracy: fitted.validationAccuracy)
        let summary = TrainingSummary(
            outcome: verdict.outcome, run: run, mode: mode, modelVersion: verdict == .promoted ? model?.version : nil,
            validationAccuracy: fitted.validationAccuracy, reason: verdict.reason)
        outbox.emit(.runFinished) { line in
            line.add("run", Int(run))
            line.add("mode", mode.rawValue)
            line.add("outcome", summary.outcome.rawValue)
            line.add("epochs", result.reports.count)
            line.add("loss", final.loss)
            line.add("val_loss", final.validationLoss)
            line.add("val_accuracy", fitted.validationAccuracy)
            // The whole run: the fold runs or the hold-out run before the served model's too.
            line.add("seconds", result.reports.reduce(fitted.judgingSeconds) { $0 + $1.seconds })
            if let v = summary.modelVersion { line.add("model_version", v) }
        }
        return summary
    }

    /// The model a run built: its weights, the figures of its kept epoch, and its review calibration.
    private func modelFile(
        fitted: FittedModel, data: TrainingData, input: InputSpec, samples: (train: Int, validation: Int),
        trainedEpochs: Int
    ) throws(PipelineError) -> ModelFile {
        let result = fitted.result
        let final = result.reports[result.keptEpoch - 1]
        var metrics: [String: Double] = [
            "loss": final.loss, "epochs_trained": Double(trainedEpochs),
            "train_samples": Double(samples.train), "val_samples": Double(samples.validation),
            "epoch": Double(result.keptEpoch),
        ]
        if let v = final.validationLoss { metrics["val_loss"] = v }
        if let v = fitted.validationAccuracy { metrics["val_accuracy"] = v }
        if fitted.method == .crossValidated, let v = fitted.validationAccuracy, let k = fitted.folds {
            metrics[MetricName.crossValidatedAccuracy] = v
            metrics[MetricName.folds] = Double(k)
        }
        if fitted.method == .holdOutThenAll, let v = fitted.validationAccuracy { metrics[MetricName.holdOutAccuracy] = v }
        return ModelFile(
            version: try store.nextModelVersion(), labels: data.labels, input: input, options: fitted.options,
            metrics: metrics, created: Timestamp.now(), weights: result.weights,
            review: ReviewCalibration.fit(
                network: MultiClassNetwork(weights: result.weights), train: data.train,
                validation: data.validation, targetPrecision: configuration.review.targetPrecision,
                minimumSupport: configuration.review.minimumSupport, heldOut: fitted.heldOut
            ).map {
                var review = $0
                review.formats = data.formats
                return review
            })
    }
}
