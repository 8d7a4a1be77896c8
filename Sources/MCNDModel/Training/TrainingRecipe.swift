/// How a full run fits the data it gets: the options sized in optimizer steps
/// rather than epochs, and, below `crossValidationBelow` examples, a few
/// candidate recipes compared by k-fold cross-validation before the chosen one
/// trains on every example. Keys `train.min_steps`, `train.cross_validation_below`,
/// `train.folds`, `train.select`, `train.augment*`.
public struct TrainingRecipe: Sendable, Equatable {
    public enum Augment: String, Sendable, CaseIterable, Codable {
        /// Cross-validation decides (with and without); above its size, off.
        case auto
        case on
        case off
    }

    /// A full run takes at least this many optimizer steps (more epochs on a small set). 0 = epochs as given.
    public var minSteps: Int = 1000
    /// Below this many examples a full run cross-validates; at or above it, the hash hold-out as before.
    public var crossValidationBelow: Int = 5000
    /// Folds of the cross-validation.
    public var folds: Int = 5
    /// Compare a few penalties (and augmentation, when `auto`) by cross-validation; false = the configured values only.
    public var select: Bool = true
    public var augment: Augment = .auto
    /// Largest shift in pixels of `augment`.
    public var augmentShift: Int = 2
    /// Mirror half the images left to right when augmenting.
    public var augmentFlip: Bool = false

    /// The smallest batch a small set trains in.
    public static let smallestBatch = 32
    /// A small set trains in batches of about 1/8 of its rows, so an epoch is ≥ 8 steps.
    static let batchesPerEpoch = 8
    /// L2 penalties cross-validation compares beside the configured one (the
    /// seed's scale: divided by the batch rows in each step).
    public static let penalties: [Float] = [0.01, 0.1]

    public init() {}

    /// The options of a run on `rows` examples: the batch shrunk for a small
    /// set (never below 16, never above `batch_size`), the epochs raised so
    /// the run has at least `minSteps` steps.
    public func sized(_ options: TrainingOptions, rows: Int) -> TrainingOptions {
        var out = options
        let fitting = max(Self.smallestBatch, rows / Self.batchesPerEpoch / 8 * 8)
        out.batchSize = min(options.batchSize, fitting)
        let stepsPerEpoch = max(1, (rows + out.batchSize - 1) / out.batchSize)
        if minSteps > 0 { out.epochs = max(options.epochs, (minSteps + stepsPerEpoch - 1) / stepsPerEpoch) }
        return out
    }

    /// Whether a full run on `rows` examples cross-validates.
    public func crossValidates(rows: Int) -> Bool { rows < crossValidationBelow && folds >= 2 && rows >= 2 * folds }

    /// The candidates a cross-validated run compares first: the configured
    /// recipe (it wins ties) and the other penalties.
    public func candidates(_ options: TrainingOptions, rows: Int, image: ImageAugmentation) -> [CrossValidation.Candidate] {
        let base = sized(options, rows: rows)
        let first = CrossValidation.Candidate(options: base, augmentation: augment == .on ? image : nil)
        guard select else { return [first] }
        var out = [first]
        for l2 in Self.penalties where l2 != base.l2 {
            var o = base
            o.l2 = l2
            out.append(.init(options: o, augmentation: first.augmentation))
        }
        return out
    }

    /// Then, with `augment: auto`, the best of those with augmentation: one
    /// more candidate rather than every penalty twice (it costs a fold run each).
    public func refinements(of best: CrossValidation.Candidate, image: ImageAugmentation) -> [CrossValidation.Candidate] {
        guard select, augment == .auto, best.augmentation == nil else { return [] }
        return [.init(options: best.options, augmentation: image)]
    }

    /// The augmentation of a hold-out run (too large to cross-validate): only when asked for.
    public func holdOutAugmentation(_ image: ImageAugmentation) -> ImageAugmentation? { augment == .on ? image : nil }

    /// The configured shift and flip for images of this shape.
    public func augmentation(width: Int, height: Int, channels: Int) -> ImageAugmentation {
        ImageAugmentation(width: width, height: height, channels: channels, maxShift: augmentShift, flip: augmentFlip)
    }

    public var problems: [String] {
        var out: [String] = []
        if minSteps < 0 { out.append("min_steps must be 0 (off) or more (got \(minSteps))") }
        if crossValidationBelow < 0 { out.append("cross_validation_below must be 0 (never) or more (got \(crossValidationBelow))") }
        if folds < 2 { out.append("folds must be at least 2 (got \(folds))") }
        if augmentShift < 0 || augmentShift > 8 { out.append("augment_shift must be 0 to 8 pixels (got \(augmentShift))") }
        return out
    }
}
