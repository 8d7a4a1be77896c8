import Foundation
import Logging
import MCNDImaging
import MCNDModel

/// What a training pass did.
public struct TrainingSummary: Sendable, Equatable {
    public enum Outcome: String, Sendable { case notDue = "not_due", promoted, keptServing = "kept_serving", diverged }
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
        // The examples are released before the report reads the validation rows again.
        let (summary, concluded) = try trainAndConclude(request, shouldStop: shouldStop)
        if concluded {
            // report.html, report.json and losses.svg show this run and the model now serving.
            ReportWriter(
                root: root, store: store, serving: serving.current, review: try? store.reviewSnapshot(serving: serving.current)
            ).writeLogging(logger)
        }
        return summary
    }

    /// The run, and whether it was concluded (a model judged, promoted or not).
    private func trainAndConclude(
        _ request: Pipeline.TrainRequest, shouldStop: @escaping @Sendable () -> Bool
    ) throws(PipelineError) -> (TrainingSummary, concluded: Bool) {
        guard request != .never else { return (TrainingSummary(reason: "training not requested"), false) }
        let c = configuration
        let newest = try store.newestExampleId()
        let last = try store.lastRun()
        if request == .ifDue, let last, last.lastExampleId >= newest, serving.current != nil {
            return (TrainingSummary(reason: "no new examples since run \(last.id)"), false)
        }
        // Count before loading the pixels: an ingest-only pass stays small.
        let labelsWithTrainingRows = try store.trainingLabelCount(
            width: c.input.width, height: c.input.height, channels: c.input.channels.count)
        guard labelsWithTrainingRows >= c.schedule.minLabels else {
            return (
                TrainingSummary(
                    reason:
                        "training examples in \(labelsWithTrainingRows) labels; training needs examples of at least \(c.schedule.minLabels) labels"
                ), false
            )
        }
        let data = try store.trainingData(width: c.input.width, height: c.input.height, channels: c.input.channels.count)
        let present = Set(data.train.labels + data.validation.labels).count
        guard data.train.count > 0, present >= c.schedule.minLabels else {
            return (
                TrainingSummary(
                    reason:
                        "\(data.train.count) training examples in \(present) labels; training needs examples of at least \(c.schedule.minLabels) labels"
                ), false
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
        // Cross-validated: every example trains the served model and is scored out of fold.
        let method: ValidationMethod = full && c.recipe.crossValidates(rows: examples) ? .crossValidated : .holdOut
        let samples: (train: Int, validation: Int) =
            method == .crossValidated ? (train: examples, validation: examples) : (data.train.count, data.validation.count)
        if full { options = c.recipe.sized(c.training, rows: method == .crossValidated ? examples : data.train.count) }
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
                fitted = try fitFull(data: data, onEpoch: onEpoch)
            } else {
                let validation = data.validation.count > 0 ? (data.validation.rows, data.validation.labels) : nil
                let result = try Trainer(options: options).train(
                    rows: data.train.rows, labels: data.train.labels, classes: data.labels.count,
                    validation: validation, start: start, onEpoch: onEpoch)
                fitted = FittedModel(
                    result: result, options: options, validationAccuracy: result.reports[result.keptEpoch - 1].validationAccuracy)
            }
        } catch is Interrupted {
            try store.finishRun(run, outcome: .interrupted, reason: "mcnd was stopped during the run", model: nil, promote: false)
            outbox.emit(.runFinished) { line in
                line.add("run", Int(run))
                line.add("mode", mode.rawValue)
                line.add("outcome", RunOutcome.interrupted.rawValue)
            }
            return (TrainingSummary(outcome: .notDue, run: run, mode: mode, reason: "interrupted"), false)
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
        return (summary, true)
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
        let result = fitted.result, options = fitted.options
        let final = result.reports[result.keptEpoch - 1]
        var summary = TrainingSummary(run: run, mode: mode, validationAccuracy: fitted.validationAccuracy)
        var reason: String?
        if result.diverged || !result.weights.isFinite || !final.loss.isFinite {
            summary.outcome = .diverged
            reason = "the loss is not a finite number; lower train.learning_rate"
        } else if let serving = serving.current, let newAccuracy = fitted.validationAccuracy, serving.input == input,
            let oldAccuracy = servingAccuracy(serving, fitted: fitted, data: data)
        {
            // Labels the old model lacks count as its misses.
            if newAccuracy < oldAccuracy - configuration.schedule.promoteTolerance {
                summary.outcome = .keptServing
                reason =
                    "validation accuracy \(newAccuracy) is below the serving model's \(oldAccuracy) by more than train.promote_tolerance"
            }
        }
        summary.reason = reason
        var model: ModelFile?
        if summary.outcome != .diverged {
            var metrics: [String: Double] = [
                "loss": final.loss, "epochs_trained": Double(trainedEpochs),
                "train_samples": Double(samples.train), "val_samples": Double(samples.validation),
                "epoch": Double(result.keptEpoch),
            ]
            if let v = final.validationLoss { metrics["val_loss"] = v }
            if let v = fitted.validationAccuracy { metrics["val_accuracy"] = v }
            if fitted.crossValidated, let v = fitted.validationAccuracy, let k = fitted.folds {
                metrics[MetricName.crossValidatedAccuracy] = v
                metrics[MetricName.folds] = Double(k)
            }
            model = ModelFile(
                version: try store.nextModelVersion(), labels: data.labels, input: input, options: options,
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
        var promote = summary.outcome == .notDue && model != nil
        if promote { summary.outcome = .promoted }
        // The model_promoted line is committed with the promotion (offset chosen, every
        // outbox held until it is written): a crash in between cannot lose it or write it twice.
        try outbox.whileAppending { () throws(PipelineError) in
            let announcing = try model.map { (model) throws(PipelineError) -> PendingLine in
                var line = Outbox.eventLine(EventKind.modelPromoted.rawValue)
                line.add("run", Int(run))
                line.add("model_version", model.version)
                line.add("val_accuracy", fitted.validationAccuracy)
                line.add("labels", strings: model.labels)
                line.add("file", "state/models/model-\(model.version).npz")
                if let review = model.review { line.add("calibration", ReviewEvents.calibration(review)) }
                return PendingLine(
                    outbox: .events, offset: try outbox.events.size(), line: OutboxLine(line.line), modelVersion: model.version)
            }
            if let pinned = try store.finishRun(
                run, outcome: RunOutcome(summary.outcome), reason: reason, model: model, promote: promote, announcing: announcing)
            {
                // Recorded, not promoted: `mcnd models pin` holds the serving model.
                (promote, summary.outcome, reason) = (false, .keptServing, ModelPin.pinnedReason(pinned))
                summary.reason = reason
            }
            if promote, let model {
                summary.modelVersion = model.version
                let file = layout.path(RootLayout.Name.model(model.version))
                do { try root.writeFileAtomically(model.encoded(), to: RootLayout.Name.model(model.version)) } catch {
                    // The promoted model is in the state database already; the .npz is a copy for numpy.
                    logger.error("cannot export \(file): \(error)")
                }
                // The line just committed (the only one pending: the root was recovered when it was opened).
                try PendingLines(root: root, store: store, outbox: outbox, logger: logger).recover()
            }
        }
        if promote, let model {
            serving.replace(with: model)
            ServingExport(layout: layout, settings: configuration.export, outbox: outbox, logger: logger).write(model)
            try store.setMeta(MetaKey.waitingForModel.rawValue, nil)
        } else if let reason {
            outbox.emit(.modelNotPromoted) { line in
                line.add("run", Int(run))
                line.add("reason", reason)
            }
        }
        outbox.emit(.runFinished) { line in
            line.add("run", Int(run))
            line.add("mode", mode.rawValue)
            line.add("outcome", summary.outcome.rawValue)
            line.add("epochs", result.reports.count)
            line.add("loss", final.loss)
            line.add("val_loss", final.validationLoss)
            line.add("val_accuracy", fitted.validationAccuracy)
            // The whole run: a cross-validated one's fold runs too.
            line.add("seconds", result.reports.reduce(fitted.crossValidationSeconds) { $0 + $1.seconds })
            if let v = summary.modelVersion { line.add("model_version", v) }
        }
        return summary
    }
}
