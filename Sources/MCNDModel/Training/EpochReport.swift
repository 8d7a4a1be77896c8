/// What one finished epoch measured, handed to the caller as it happens.
public struct EpochReport: Sendable, Equatable {
    /// 1-based.
    public var epoch: Int
    public var epochs: Int
    /// Mean training cross-entropy plus penalty, as the seed's `losses`.
    public var loss: Double
    /// The same on the validation rows, as the seed's `val_losses`; nil without validation rows.
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var learningRate: Float
    /// Wall-clock seconds of the epoch, validation pass included.
    public var seconds: Double
    /// Wall-clock seconds of the epoch's training steps alone.
    public var trainingSeconds: Double = 0
}

/// The outcome of a training run.
public struct TrainingResult: Sendable {
    /// The final weights, or the best epoch's when early stopping kept them.
    public var weights: NetworkWeights
    public var reports: [EpochReport]
    /// The epoch whose weights were kept (1-based).
    public var keptEpoch: Int
    public var stoppedEarly: Bool
    /// True when the training loss stopped being a finite number; the run ended there.
    public var diverged: Bool
}

/// The order rows are visited in, epoch by epoch.
public enum BatchOrder: Sendable {
    /// A fresh permutation each epoch from the seeded generator (the seed's `np.random.permutation`).
    case shuffled
    /// The given permutation for each epoch (used to replay the seed exactly).
    case given([[Int]])
}
