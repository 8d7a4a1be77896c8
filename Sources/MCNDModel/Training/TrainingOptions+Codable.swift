/// Model files written before `precision`, `optimizer`, `momentum` and
/// `schedule` existed were trained in f32 with plain SGD and the per-epoch
/// decay; they decode to exactly that.
extension TrainingOptions {
    enum CodingKeys: String, CodingKey {
        case units, batchSize, learningRate, l1, l2, epochs, initialization, learningRateDecay
        case earlyStoppingPatience, seed, threads, precision, optimizer, momentum, schedule
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        units = try c.decode(Int.self, forKey: .units)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        learningRate = try c.decode(Float.self, forKey: .learningRate)
        l1 = try c.decode(Float.self, forKey: .l1)
        l2 = try c.decode(Float.self, forKey: .l2)
        epochs = try c.decode(Int.self, forKey: .epochs)
        initialization = try c.decode(WeightInitialization.self, forKey: .initialization)
        learningRateDecay = try c.decode(Float.self, forKey: .learningRateDecay)
        earlyStoppingPatience = try c.decode(Int.self, forKey: .earlyStoppingPatience)
        seed = try c.decode(UInt64.self, forKey: .seed)
        threads = try c.decode(Int.self, forKey: .threads)
        precision = try c.decodeIfPresent(TrainingPrecision.self, forKey: .precision) ?? .f32
        optimizer = try c.decodeIfPresent(Optimizer.self, forKey: .optimizer) ?? .sgd
        momentum = try c.decodeIfPresent(Float.self, forKey: .momentum) ?? 0
        schedule =
            try c.decodeIfPresent(LearningRateSchedule.self, forKey: .schedule)
            ?? (learningRateDecay == 1 ? .constant : .decay)
    }
}
