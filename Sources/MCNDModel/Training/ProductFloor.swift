/// The matrix products of one training epoch and nothing else: every step's
/// five products per part (x·W1 with its fused bias and sigmoid, a1·W2,
/// err·W2ᵀ, xᵀ·δ1, a1ᵀ·err) on a `TrainingWorkspace`'s own buffers, threads
/// and oneDNN primitives, then the validation pass's two products per chunk.
/// What an epoch cannot go below with these shapes, threads and precision;
/// `mcnd-bench train` prints an epoch as a multiple of it.
public struct ProductFloor {
    public var trainRows: Int
    public var validationRows: Int
    public var inputs: Int
    public var classes: Int
    public var options: TrainingOptions

    public init(trainRows: Int, validationRows: Int, inputs: Int, classes: Int, options: TrainingOptions) {
        self.trainRows = trainRows
        self.validationRows = validationRows
        self.inputs = inputs
        self.classes = classes
        self.options = options
    }

    /// Seconds of each of `epochs` epochs' products (after one untimed epoch that creates the primitives).
    public func epochSeconds(epochs: Int) throws(DNNLError) -> [Double] {
        var generator = SeededGenerator(seed: options.seed)
        let weights = NetworkWeights.initialized(
            inputs: inputs, units: options.units, classes: classes, scheme: options.initialization, generator: &generator)
        let space = TrainingWorkspace(
            weights: weights, batchRows: options.batchSize, parts: options.threads, element: options.precision.element,
            rule: ParameterUpdate(optimizer: options.optimizer, penalty: Penalty(l1: options.l1, l2: options.l2)))
        try space.prepare()
        space.fillProductInputs()
        var seconds: [Double] = []
        for epoch in 0...epochs {
            let began = Monotonic.seconds()
            var first = 0
            while first < trainRows {
                let m = min(options.batchSize, trainRows - first)
                try space.stepProducts(rows: m)
                first += m
            }
            try space.validationProducts(rows: validationRows)
            if epoch > 0 { seconds.append(Monotonic.seconds() - began) }
        }
        return seconds
    }
}
