import Logging
import MCNDModel

/// A concluded run's model on its way to serving: judged against the serving
/// model like with like, recorded with its run and its `model_promoted` line
/// in one transaction (a crash can neither lose the line nor write it twice),
/// then written out and swapped in — or recorded only, with the reason.
struct Promotion {
    /// How a concluded run ends; decided here only.
    enum Verdict: Equatable, Sendable {
        case promoted
        /// Recorded, not served: worse than the serving model, or a pinned model holds.
        case keptServing(reason: String)
        /// No model: the loss is not a finite number.
        case diverged(reason: String)

        var outcome: TrainingSummary.Outcome {
            switch self {
            case .promoted: .promoted
            case .keptServing: .keptServing
            case .diverged: .diverged
            }
        }

        var runOutcome: RunOutcome {
            switch self {
            case .promoted: .promoted
            case .keptServing: .keptServing
            case .diverged: .diverged
            }
        }

        var reason: String? {
            switch self {
            case .promoted: nil
            case .keptServing(let reason), .diverged(let reason): reason
            }
        }
    }

    let root: Directory
    let layout: RootLayout
    let store: StateStore
    let outbox: Outbox
    /// Replaced by the promoted model.
    let serving: ServingModel
    let configuration: MCNDConfiguration
    let logger: Logger

    /// The verdict on `fitted` before its model is built: a diverged run has none.
    func judge(_ fitted: FittedModel, data: TrainingData, input: InputSpec) -> Verdict {
        let result = fitted.result
        if result.diverged || !result.weights.isFinite || !result.reports[result.keptEpoch - 1].loss.isFinite {
            return .diverged(reason: "the loss is not a finite number; lower train.learning_rate")
        }
        guard let current = serving.current, current.input == input, let newAccuracy = fitted.validationAccuracy,
            let oldAccuracy = servingAccuracy(current, fitted: fitted, data: data),
            // Labels the old model lacks count as its misses.
            newAccuracy < oldAccuracy - configuration.schedule.promoteTolerance
        else { return .promoted }
        return .keptServing(
            reason:
                "validation accuracy \(newAccuracy) is below the serving model's \(oldAccuracy) by more than train.promote_tolerance"
        )
    }

    /// Records `run` with `model` under `verdict` and serves the model when it
    /// is promoted. Returns the verdict that held: a pin made during the run
    /// (checked in the transaction that would promote) keeps the serving model.
    func conclude(
        run: Int64, verdict: Verdict, model: ModelFile?, validationAccuracy: Double?
    ) throws(PipelineError) -> Verdict {
        var verdict = verdict
        try outbox.whileAppending { () throws(PipelineError) in
            let announcing = try model.map { (model) throws(PipelineError) in
                try announcement(run: run, model: model, validationAccuracy: validationAccuracy)
            }
            if let pinned = try store.finishRun(
                run, outcome: verdict.runOutcome, reason: verdict.reason, model: model, promote: verdict == .promoted,
                announcing: announcing)
            {
                verdict = .keptServing(reason: ModelPin.pinnedReason(pinned))
            }
            guard verdict == .promoted, let model else { return }
            do { try root.writeFileAtomically(model.encoded(), to: RootLayout.Name.model(model.version)) } catch {
                // The promoted model is in the state database already; the .npz is a copy for numpy.
                logger.error("cannot export \(layout.path(RootLayout.Name.model(model.version))): \(error)")
            }
            // The line just committed (the only one pending: the root was recovered when it was opened).
            try PendingLines(root: root, store: store, outbox: outbox, logger: logger).recover()
        }
        if verdict == .promoted, let model {
            serving.replace(with: model)
            ServingExport(layout: layout, settings: configuration.export, outbox: outbox, logger: logger).write(model)
            try store.setMeta(MetaKey.waitingForModel.rawValue, nil)
        } else if let reason = verdict.reason {
            outbox.emit(.modelNotPromoted) { line in
                line.add("run", Int(run))
                line.add("reason", reason)
            }
        }
        return verdict
    }

    /// The `model_promoted` line, committed with the promotion (its offset chosen while every outbox is held).
    private func announcement(run: Int64, model: ModelFile, validationAccuracy: Double?) throws(PipelineError) -> PendingLine {
        var line = Outbox.eventLine(EventKind.modelPromoted.rawValue)
        line.add("run", Int(run))
        line.add("model_version", model.version)
        line.add("val_accuracy", validationAccuracy)
        line.add("labels", strings: model.labels)
        line.add("file", RootLayout.Name.model(model.version).display)
        if let review = model.review { line.add("calibration", ReviewEvents.calibration(review)) }
        return PendingLine(
            outbox: .events, offset: try outbox.events.size(), line: OutboxLine(line.line), modelVersion: model.version)
    }

    /// The serving model's accuracy measured like the new one's: on today's
    /// validation rows after a hold-out run, or its own cross-validated figure
    /// after a cross-validated one, or its own hold-out figure when it trained
    /// on the validation rows too (scoring it on rows it trained on would flatter it).
    private func servingAccuracy(_ current: ModelFile, fitted: FittedModel, data: TrainingData) -> Double? {
        if fitted.method == .crossValidated { return current.metrics[MetricName.crossValidatedAccuracy] }
        if let own = current.metrics[MetricName.holdOutAccuracy] { return own }
        guard data.validation.count > 0 else { return nil }
        let predicted = MultiClassNetwork(weights: current.weights).predict(data.validation.rows)
        return Double(zip(predicted, data.validation.labels).filter { $0 == Int($1) }.count) / Double(data.validation.count)
    }
}
