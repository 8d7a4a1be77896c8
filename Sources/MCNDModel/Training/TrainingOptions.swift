/// Hyperparameters of a training run. The defaults (Xavier, batch 256,
/// Nesterov momentum 0.85, a one-cycle rate up to 1.0, 28 epochs, bf16 products
/// where the CPU has them) reach ≈0.895–0.896 validation accuracy on
/// Fashion-MNIST with the book's architecture in under a second of training
/// on two cores (BENCHMARKS.md: seeds 1–3 and 42); `book` reproduces the book's run (≈0.815).
public struct TrainingOptions: Sendable, Codable, Equatable {
    /// Hidden units (the book: 100; the seed's class default: 10).
    public var units: Int = 100
    /// Minibatch rows (the book: 256).
    public var batchSize: Int = 256
    /// SGD step (the book: 0.1).
    public var learningRate: Float = 1.0
    /// L1 penalty on W1 and W2.
    public var l1: Float = 0
    /// L2 penalty on W1 and W2.
    public var l2: Float = 0
    /// Epochs of a full run.
    public var epochs: Int = 28
    /// How fresh weights are drawn (the book: `normal`).
    public var initialization: WeightInitialization = .xavier
    /// With `schedule: decay`, the learning rate of epoch e (1-based) is `learningRate · decay^(e-1)`.
    public var learningRateDecay: Float = 0.95
    /// Keep the weights of the most accurate epoch on the validation rows (the
    /// lower loss on a tie; with one-cycle, of the epochs after the rate's peak)
    /// and stop after this many epochs without a better one; 0 = the last epoch's weights.
    public var earlyStoppingPatience: Int = 5
    /// Seed of weight initialization and batch shuffling.
    public var seed: UInt64 = 42
    /// Threads a training step is split over (oneDNN runs single-threaded in
    /// each); results are bit-identical for a fixed count and precision.
    public var threads: Int = 2
    /// Number format of the large products; the weights are always f32.
    public var precision: TrainingPrecision = .auto
    public var optimizer: Optimizer = .nesterov
    /// Momentum of `nesterov` (PyTorch's μ). 0.85 rather than PyTorch's usual
    /// 0.9: with the one-cycle swing it gave +0.001 validation over seeds 1–3.
    public var momentum: Float = 0.85
    public var schedule: LearningRateSchedule = .oneCycle

    /// mcnd's defaults (the property values above, early stopping on).
    public init() {}

    /// A run exactly as given: early stopping only when `earlyStoppingPatience`
    /// is passed, so a replay of the seed or of a benchmark trains every epoch.
    public init(
        units: Int = 100, batchSize: Int = 256, learningRate: Float = 1.0, l1: Float = 0, l2: Float = 0,
        epochs: Int = 28, initialization: WeightInitialization = .xavier, learningRateDecay: Float = 0.95,
        earlyStoppingPatience: Int = 0, seed: UInt64 = 42, threads: Int = 2,
        precision: TrainingPrecision = .auto, optimizer: Optimizer = .nesterov, momentum: Float = 0.85,
        schedule: LearningRateSchedule = .oneCycle
    ) {
        self.units = units
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.l1 = l1
        self.l2 = l2
        self.epochs = epochs
        self.initialization = initialization
        self.learningRateDecay = learningRateDecay
        self.earlyStoppingPatience = earlyStoppingPatience
        self.seed = seed
        self.threads = threads
        self.precision = precision
        self.optimizer = optimizer
        self.momentum = momentum
        self.schedule = schedule
    }

    /// The book's configuration: `MultiClassNetwork(units=100, batch_size=256)`,
    /// lr 0.1, N(0,1) weights, 40 epochs, plain SGD in f32.
    public static let book = TrainingOptions(
        units: 100, batchSize: 256, learningRate: 0.1, epochs: 40, initialization: .normal, learningRateDecay: 1,
        earlyStoppingPatience: 0, precision: .f32, optimizer: .sgd, schedule: .constant)

    /// Problems that make the options unusable, in words a user can act on.
    public var problems: [String] {
        var out: [String] = []
        if units < 1 { out.append("units must be at least 1 (got \(units))") }
        if batchSize < 1 { out.append("batch_size must be at least 1 (got \(batchSize))") }
        if !(learningRate > 0) || !learningRate.isFinite { out.append("learning_rate must be a positive number (got \(learningRate))") }
        if !(l1 >= 0) || !(l2 >= 0) { out.append("l1 and l2 must be zero or positive (got \(l1), \(l2))") }
        if epochs < 1 { out.append("epochs must be at least 1 (got \(epochs))") }
        if !(learningRateDecay > 0 && learningRateDecay <= 1) {
            out.append("learning_rate_decay must be in (0, 1] (got \(learningRateDecay))")
        }
        if earlyStoppingPatience < 0 { out.append("early_stopping_patience must be 0 (off) or more (got \(earlyStoppingPatience))") }
        if threads < 1 { out.append("threads must be at least 1 (got \(threads))") }
        if !(momentum >= 0 && momentum < 1) { out.append("momentum must be in [0, 1) (got \(momentum))") }
        return out
    }
}
