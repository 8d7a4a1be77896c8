import Glibc

/// Minibatch training of the MultiClassNetwork: with `sgd`, `constant` and
/// `f32` the seed's exact arithmetic (plus the per-class b2 gradient and the
/// max-subtracted softmax); every large product is one oneDNN matmul, the
/// elementwise work is fused around them (see TrainingWorkspace).
public struct Trainer: Sendable {
    public var options: TrainingOptions

    public init(options: TrainingOptions) {
        self.options = options
    }

    /// Trains on `rows`/`labels` (class indices) for `options.epochs` epochs,
    /// starting from `start` (warm start) or from fresh weights, and calls
    /// `onEpoch` after every epoch; throwing from it ends the run. A DNNLError
    /// means oneDNN could not compute (its case says what to change). With
    /// `augmentation`, every epoch trains on freshly shifted copies of the rows.
    public func train(
        rows: FeatureRows, labels: [Int32], classes: Int,
        validation: (rows: FeatureRows, labels: [Int32])? = nil,
        start: NetworkWeights? = nil,
        order: BatchOrder = .shuffled,
        augmentation: ImageAugmentation? = nil,
        onEpoch: (EpochReport) throws -> Void = { _ in }
    ) throws -> TrainingResult {
        precondition(options.problems.isEmpty, options.problems.joined(separator: "; "))
        precondition(labels.count == rows.count && rows.count > 0, "one label per row, at least one row")
        precondition(labels.allSatisfy { $0 >= 0 && Int($0) < classes }, "labels must be in 0..<classes")
        var generator = SeededGenerator(seed: options.seed)
        var weights =
            start
            ?? NetworkWeights.initialized(
                inputs: rows.width, units: options.units, classes: classes,
                scheme: options.initialization, generator: &generator)
        precondition(weights.inputs == rows.width && weights.classes == classes, "start weights do not fit the data")

        let penalty = Penalty(l1: options.l1, l2: options.l2)
        let rule = ParameterUpdate(optimizer: options.optimizer, penalty: penalty)
        let element = options.precision.element
        let space = TrainingWorkspace(
            weights: weights, batchRows: options.batchSize, parts: options.threads,
            element: element, rule: rule)
        try space.prepare()
        var reports: [EpochReport] = []
        var best: (accuracy: Double, loss: Double, epoch: Int, weights: NetworkWeights)?
        var stoppedEarly = false, diverged = false
        let stepsPerEpoch = (rows.count + options.batchSize - 1) / options.batchSize
        let steps = stepsPerEpoch * options.epochs
        // A stream of its own: the batch order is the same with and without augmentation.
        var shifts = SeededGenerator(seed: options.seed ^ 0x5348_4946_5453)

        for epoch in 1...options.epochs {
            let began = Monotonic.seconds()
            func rate(_ step: Int) -> Float {
                options.schedule.rate(
                    base: options.learningRate, decay: options.learningRateDecay,
                    epoch: epoch, step: (epoch - 1) * stepsPerEpoch + step, steps: steps)
            }
            let lr = rate(0)
            let permutation: [Int]
            switch order {
            case .shuffled: permutation = generator.permutation(rows.count)
            case .given(let orders): permutation = orders[(epoch - 1) % orders.count]
            }
            let epochRows = augmentation?.apply(to: rows, labels: labels, generator: &shifts) ?? rows
            var crossEntropy = 0.0
            try permutation.withUnsafeBufferPointer { perm throws(DNNLError) in
                var first = 0, step = 0
                while first < rows.count {
                    let m = min(options.batchSize, rows.count - first)
                    let batch = UnsafeBufferPointer(rebasing: perm[first..<first + m])
                    let momentum = options.schedule.momentum(base: options.momentum, step: (epoch - 1) * stepsPerEpoch + step, steps: steps)
                    crossEntropy += try space.step(
                        rows: epochRows, labels: labels, batch: batch, learningRate: rate(step), momentum: momentum)
                    first += m
                    step += 1
                }
            }
            let trained = Monotonic.seconds()
            weights = space.weights()
            let loss = (crossEntropy + penalty.loss(weights)) / Double(rows.count)
            var report = EpochReport(
                epoch: epoch, epochs: options.epochs, loss: loss, learningRate: lr, seconds: 0,
                trainingSeconds: trained - began)
            if let validation, validation.rows.count > 0 {
                let result = try MultiClassNetwork(weights: weights).evaluate(
                    validation.rows, labels: validation.labels, l1: options.l1, l2: options.l2,
                    parts: space.parts, element: element, runner: { _, body in space.crew.run(body) })
                report.validationLoss = result.loss
                report.validationAccuracy = result.accuracy
            }
            report.seconds = Monotonic.seconds() - began
            reports.append(report)
            try onEpoch(report)

            guard loss.isFinite else {
                diverged = true
                break
            }
            // A one-cycle run's loss rises on purpose while the rate climbs to its peak:
            // early stopping judges only the epochs after it (else it keeps a warm-up epoch).
            if options.earlyStoppingPatience > 0, let validationLoss = report.validationLoss,
                let validationAccuracy = report.validationAccuracy,
                options.schedule != .oneCycle || Double(epoch) > LearningRateSchedule.warmupShare * Double(options.epochs)
            {
                // Best = most accurate, the lower loss on a tie: the loss keeps falling
                // after the answers stop changing, and can rise while they improve.
                if best == nil || validationAccuracy > best!.accuracy
                    || (validationAccuracy == best!.accuracy && validationLoss < best!.loss)
                {
                    best = (validationAccuracy, validationLoss, epoch, weights)
                } else if epoch - best!.epoch >= options.earlyStoppingPatience {
                    stoppedEarly = true
                    break
                }
            }
        }
        // Early stopping keeps the best epoch's weights whether or not it stopped.
        if !diverged, let best, best.epoch != reports.count {
            return TrainingResult(
                weights: best.weights, reports: reports, keptEpoch: best.epoch, stoppedEarly: stoppedEarly, diverged: false)
        }
        return TrainingResult(weights: weights, reports: reports, keptEpoch: reports.count, stoppedEarly: stoppedEarly, diverged: diverged)
    }
}

/// A monotonic clock in seconds, for epoch timing.
enum Monotonic {
    static func seconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
