/// What a model learns about its own answers at promotion, from the
/// validation rows: a temperature that makes its confidence mean what it says,
/// per-class thresholds for a target precision, and the familiarity check.
/// Stored in the model (`review` in the `.npz` meta); a model without it
/// (made before) predicts uncalibrated and routes nothing to review.
public struct ReviewCalibration: Sendable, Codable, Equatable {
    public var temperature: Double
    /// Top-label expected calibration error on the validation rows, at T = 1 and at `temperature`.
    public var eceBefore: Double
    public var eceAfter: Double
    public var validationRows: Int
    /// The `review.target_precision` the thresholds were chosen for (0: none chosen).
    public var targetPrecision: Double
    public var minimumSupport: Int
    public var thresholds: ClassThresholds?
    /// The Euclidean check in `a1`: decides only for models without `mahalanobis` (made before it).
    public var familiarity: FamiliarityCheck?
    /// The same question asked of the input (noise looks familiar to the hidden layer).
    public var inputCheck: InputSubspaceCheck?
    /// The checks of newer models (nil in older files, which keep the two above):
    /// `a1` with a tied covariance, and the pixels' own likelihood.
    public var mahalanobis: MahalanobisCheck?
    public var pixelDensity: PixelDensityCheck?
    /// The nearest training prototype inside the input subspace (nil in files
    /// from before it, which then do without): stretched digits, shapes.
    public var neighbours: InputNeighbourCheck? = nil
    /// The examples' source formats (nil in older files, and when some
    /// example's was not recorded): a request outside them is unfamiliar by format.
    public var formats: TrainingFormats? = nil

    /// Each of the three checks of a newer model (Mahalanobis, subspace
    /// residual, pixel density) flags at most 0.6 % of the validation rows, the
    /// neighbour check 0.3 %: together at most 2.1 %, in practice (they
    /// overlap) 1.5 % of t10k. At 1/3 % each (1 % together) the foreign
    /// images nearest to clothes — PngSuite's alpha gradients, stretched small
    /// digits — fell just short of the detectors that spend the whole 1 %
    /// on one score (`scripts/bench-unfamiliar`).
    public static let checkQuantile = 1 - 0.006

    /// The rows of each part (training, validation) a calibration is fitted
    /// on: all of them up to this many, else this many evenly spaced ones. A
    /// temperature, thresholds, means, spreads and principal components are as
    /// well estimated from 60,000 rows (Fashion-MNIST's size, which the checks
    /// were tuned on) as from a million, and the fit then costs the same at any size.
    public static let maximumFittingRows = 60_000

    /// `maximumFittingRows` rows of `count`, evenly spaced (the examples come
    /// in the order they were added, often a label at a time); nil: all of them.
    static func fittingSample(_ count: Int) -> [Int]? {
        guard count > maximumFittingRows else { return nil }
        return (0..<maximumFittingRows).map { $0 * count / maximumFittingRows }
    }

    /// Nil without validation rows: there is nothing to calibrate on.
    /// With `heldOut` (out-of-fold logits of every example, from a
    /// cross-validated run), the temperature, the calibration error and the
    /// thresholds come from those rows instead of the validation rows. Beyond
    /// `maximumFittingRows` training or validation rows, a `fittingSample` of them.
    public static func fit(
        network: MultiClassNetwork, train: LabeledRows, validation: LabeledRows,
        targetPrecision: Double, minimumSupport: Int, heldOut: (logits: [Float], labels: [Int32])? = nil
    ) -> ReviewCalibration? {
        guard validation.count > 0 else { return nil }
        let k = network.classes, q = checkQuantile
        // At most `maximumFittingRows` rows of each part.
        let train = fittingSample(train.count).map(train.sample) ?? train
        let validation = fittingSample(validation.count).map(validation.sample) ?? validation
        // The training rows' a1 in one pass, a block at a time (never the whole set's).
        let statistics = ClassStatistics(rows: HiddenRows(network: network, rows: train.rows), labels: train.labels, classes: k)
        let means = FamiliarityCheck.means(statistics)
        var mahalanobis = MahalanobisCheck(statistics: statistics, quantile: q)
        // The validation rows' a1 in one pass too: what the checks' cutoffs need, and the logits.
        var logits: [Float] = [], distances = [[Double]](repeating: [], count: k), scores: [Double] = []
        logits.reserveCapacity(validation.count * k)
        network.forEachActivationBlock(validation.rows) { start, a in
            logits += a.logits
            FamiliarityCheck.addDistances(
                a.hidden[...], labels: validation.labels[start..<start + a.rows], means: means, into: &distances)
            if let mahalanobis { scores += mahalanobis.scores(a.hidden) }
        }
        mahalanobis?.cutoff = FamiliarityCheck.quantile(scores, q)
        let scored = heldOut ?? (logits, validation.labels)
        let t = TemperatureScaling.fit(logits: scored.logits, labels: scored.labels, classes: k)
        // JSON cannot hold a non-finite number; a promoted model's logits are finite.
        guard t.isFinite, logits.allSatisfy(\.isFinite), scored.logits.allSatisfy(\.isFinite) else { return nil }
        var before: [Double] = [], after: [Double] = [], correct: [Bool] = []
        var predictions: [ClassThresholds.Prediction] = []
        for r in 0..<scored.labels.count {
            let row = scored.logits[r * k..<(r + 1) * k]
            let p1 = TemperatureScaling.probabilities(row, temperature: 1)
            let pt = TemperatureScaling.probabilities(row, temperature: t)
            let best = argmax(pt)
            before.append(Double(p1[best]))
            after.append(Double(pt[best]))
            correct.append(best == Int(scored.labels[r]))
            predictions.append(.init(label: best, confidence: Double(pt[best]), correct: correct[r]))
        }
        let thresholds =
            targetPrecision > 0
            ? ClassThresholds(predictions: predictions, classes: k, target: targetPrecision, minimumSupport: minimumSupport) : nil
        let familiarity = FamiliarityCheck(means: means, distances: distances, minimumSupport: minimumSupport)
        let inputCheck = InputSubspaceCheck(train: train.rows, validation: validation.rows, quantile: q)
        let neighbours = inputCheck.flatMap { s in
            InputNeighbourCheck(
                train: s.project(train.rows.subset(InputNeighbourCheck.sample(train.count))).coordinates,
                validation: s.project(validation.rows).coordinates, width: s.count,
                quantile: InputNeighbourCheck.defaultQuantile)
        }
        return ReviewCalibration(
            temperature: t, eceBefore: CalibrationError.expected(confidences: before, correct: correct),
            eceAfter: CalibrationError.expected(confidences: after, correct: correct),
            validationRows: scored.labels.count, targetPrecision: targetPrecision,
            minimumSupport: minimumSupport, thresholds: thresholds, familiarity: familiarity,
            inputCheck: inputCheck,
            mahalanobis: mahalanobis,
            pixelDensity: PixelDensityCheck(train: train.rows, validation: validation.rows, quantile: q), neighbours: neighbours)
    }

    /// One input as the review loop sees it.
    public struct Assessment: Sendable, Equatable {
        /// Calibrated, in label order.
        public var probabilities: [Float]
        public var label: Int
        public var confidence: Float
        /// The label's threshold; nil when none reaches the target (or none was chosen).
        public var threshold: Double?
        /// Below its threshold (or the class has none): a person should look.
        public var doubtful: Bool
        public var unfamiliar: Bool

        public init(probabilities: [Float], label: Int, confidence: Float, threshold: Double?, doubtful: Bool, unfamiliar: Bool) {
            self.probabilities = probabilities
            self.label = label
            self.confidence = confidence
            self.threshold = threshold
            self.doubtful = doubtful
            self.unfamiliar = unfamiliar
        }
    }

    /// The familiarity measures of every row of a forward pass, each as a few
    /// matrix products over the batch (`assess(…, measures:)` then only compares).
    public struct BatchMeasures: Sendable {
        let mahalanobis: [Double]?
        let residuals: [Double]?
        let neighbours: [Double]?
    }

    public func measures(_ a: NetworkActivations, inputs: FeatureRows) -> BatchMeasures {
        // One projection gives both the residual and the coordinates the neighbour check needs.
        let projected = inputCheck?.project(inputs)
        return BatchMeasures(
            mahalanobis: mahalanobis?.scores(a.hidden), residuals: projected?.residuals,
            neighbours: projected.flatMap { p in neighbours?.scores(p.coordinates) })
    }

    /// Row `r` of a forward pass over `inputs`.
    public func assess(_ a: NetworkActivations, row r: Int, inputs: FeatureRows, measures: BatchMeasures? = nil) -> Assessment {
        let k = a.classes
        let p = TemperatureScaling.probabilities(a.logits[r * k..<(r + 1) * k], temperature: temperature)
        let best = Self.argmax(p)
        let threshold = thresholds.flatMap { best < $0.thresholds.count ? $0.thresholds[best] : nil }
        let doubtful = thresholds.map { !$0.accepts(label: best, confidence: Double(p[best])) } ?? false
        let hidden = a.hidden[r * a.units..<(r + 1) * a.units]
        var unfamiliar: Bool
        if let mahalanobis {
            unfamiliar = (measures?.mahalanobis?[r] ?? mahalanobis.score(hidden)) > mahalanobis.cutoff
        } else {
            unfamiliar = familiarity?.assess(hidden).unfamiliar ?? false
        }
        if !unfamiliar, inputCheck != nil || pixelDensity != nil {
            var x = [Float](repeating: 0, count: inputs.width)
            x.withUnsafeMutableBufferPointer { inputs.copyRows(from: r, count: 1, into: $0.baseAddress!) }
            if let inputCheck { unfamiliar = inSubspaceCheck(inputCheck, x: x, row: r, measures: measures) }
            if !unfamiliar, let pixelDensity { unfamiliar = pixelDensity.unfamiliar(x[...]) }
        }
        return Assessment(
            probabilities: p, label: best, confidence: p[best], threshold: threshold,
            doubtful: doubtful, unfamiliar: unfamiliar)
    }

    /// The residual check, then the neighbour check, of row `r` (`x`): from
    /// the batch's measures when there are, else from its own projection.
    func inSubspaceCheck(_ inputCheck: InputSubspaceCheck, x: [Float], row r: Int, measures: BatchMeasures?) -> Bool {
        let residual: Double, neighbour: Double?
        if let residuals = measures?.residuals {
            residual = residuals[r]
            neighbour = measures?.neighbours?[r]
        } else {
            let own = inputCheck.project(FeatureRows(values: x, width: x.count))
            residual = own.residuals[0]
            neighbour = neighbours?.scores(own.coordinates)[0]
        }
        if residual > inputCheck.cutoff { return true }
        guard let neighbours, let neighbour else { return false }
        return neighbour > neighbours.cutoff
    }

    /// The first largest value, like the network's argmax.
    static func argmax(_ p: [Float]) -> Int {
        var best = 0
        for i in p.indices where p[i] > p[best] { best = i }
        return best
    }
}
