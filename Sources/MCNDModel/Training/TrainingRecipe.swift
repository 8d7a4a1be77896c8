/// How a full run fits the data it gets: the options sized in optimizer steps
/// rather than epochs, and, below `crossValidationBelow` examples, a few
/// candidate recipes compared by k-fold cross-validation before the chosen one
/// trains on every example; from there up to `refitBelow`, the hold-out judges
/// the run and the same recipe then trains on every example. Keys
/// `train.min_steps`, `train.cross_validation_below`, `train.refit_below`,
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
    /// Below this many examples a full run cross-validates; at or above it, the hold-out by content hash.
    public var crossValidationBelow: Int = 5000
    /// From `crossValidationBelow` up to this many examples, a full run is judged
    /// on the hold-out, then trained again on every example; 0 = never.
    public var refitBelow: Int = 20000
    /// Folds of the cross-validation.
    public var folds: Int = 5
    /// Compare a few penalties (and augmentation, when `auto`) by cross-validation; false = the configured values only.
    public var select: Bool = true
    public var augment: Augment = .auto
    /// Largest shift in pixels of `augment`.
    public var augmentShift: Int = 1
    /// Mirroring half the images left to right when augmenting: `auto` lets the
    /// cross-validation try it for the labels that look alike in a mirror
    /// (`MirrorSymmetry`), `on` mirrors every label's, `off` none. Off by
    /// default: on Fashion-MNIST it gained nothing measurable (README, "Augmentation").
    public var augmentFlip: Augment = .off

    /// The smallest batch a small set trains in.
    public static let smallestBatch = 32
    /// A small set trains in batches of about 1/8 of its rows, so an epoch is ≥ 8 steps.
    static let batchesPerEpoch = 8
    /// L2 penalties cross-validation compares beside the configured one (the
    /// seed's scale: divided by the batch rows in each step).
    public static let penalties: [Float] = [0.01, 0.03, 0.1]

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

    /// Whether a full hold-out run on `rows` examples trains the served model again on all of them.
    public func refits(rows: Int) -> Bool { !crossValidates(rows: rows) && rows < refitBelow }

    /// The candidates a cross-validated run compares first: the configured
    /// recipe and the other penalties, all shifted with `augment: on` or
    /// `auto` (shifts gained at every small size measured). An unpenalised
    /// configuration (`train.l2` 0, the default) is not among them: the
    /// strongest penalty within the margin is chosen, and at 100 to 3,000
    /// examples the unpenalised run never was, so its five fold runs only cost
    /// time (`train.select: false` trains it as configured).
    public func candidates(_ options: TrainingOptions, rows: Int, image: ImageAugmentation) -> [CrossValidation.Candidate] {
        let base = sized(options, rows: rows)
        let shifts = augment == .on || (augment == .auto && image.moves)
        let first = CrossValidation.Candidate(options: base, augmentation: shifts ? image : nil)
        guard select else { return [first] }
        var out = base.l2 == 0 ? [] : [first]
        for l2 in Self.penalties where l2 != base.l2 {
            var o = base
            o.l2 = l2
            out.append(.init(options: o, augmentation: first.augmentation))
        }
        return out
    }

    /// Then, with `augment: auto`, one round on the best penalty: without
    /// shifts (for images they do not suit) and, with `augment_flip: auto`
    /// when some label is mirror-symmetric, with those labels mirrored too.
    /// Each must beat the best by more than `refinementMargin` to be chosen.
    public func refinements(
        of best: CrossValidation.Candidate, image: ImageAugmentation, mirrorable: [Bool] = []
    ) -> [CrossValidation.Candidate] {
        guard select, augment == .auto, let shifted = best.augmentation, shifted.mirroredLabels.isEmpty else { return [] }
        var out = [CrossValidation.Candidate(options: best.options, augmentation: nil)]
        if augmentFlip == .auto, mirrorable.contains(true), !shifted.flip {
            var mirrored = shifted
            mirrored.mirroredLabels = mirrorable
            out.append(.init(options: best.options, augmentation: mirrored))
        }
        return out
    }

    /// Out-of-fold accuracy a refinement must gain over the best so far: at a
    /// few hundred examples the difference between close recipes is a few
    /// rows, and chosen on that the unshifted or mirrored one lost on t10k
    /// (300 examples: 0.786 and 0.785 against 0.792 shifted).
    public static let refinementMargin = 0.01

    /// The augmentation of a hold-out run (too large to cross-validate): only when asked for.
    public func holdOutAugmentation(_ image: ImageAugmentation) -> ImageAugmentation? { augment == .on ? image : nil }

    /// The configured shift and flip for images of this shape.
    public func augmentation(width: Int, height: Int, channels: Int) -> ImageAugmentation {
        ImageAugmentation(width: width, height: height, channels: channels, maxShift: augmentShift, flip: augmentFlip == .on)
    }

    public var problems: [String] {
        var out: [String] = []
        if minSteps < 0 { out.append("min_steps must be 0 (off) or more (got \(minSteps))") }
        if crossValidationBelow < 0 { out.append("cross_validation_below must be 0 (never) or more (got \(crossValidationBelow))") }
        if refitBelow < 0 { out.append("refit_below must be 0 (never) or more (got \(refitBelow))") }
        if folds < 2 { out.append("folds must be at least 2 (got \(folds))") }
        if augmentShift < 0 || augmentShift > 8 { out.append("augment_shift must be 0 to 8 pixels (got \(augmentShift))") }
        return out
    }
}
