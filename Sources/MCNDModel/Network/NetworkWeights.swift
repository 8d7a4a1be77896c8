/// The parameters of a MultiClassNetwork: `W1` (inputs×units), `b1` (units),
/// `W2` (units×classes), `b2` (classes), all row-major Float32.
public struct NetworkWeights: Sendable, Equatable {
    public let inputs: Int
    public let units: Int
    public private(set) var classes: Int
    public var w1: [Float]
    public var b1: [Float]
    public var w2: [Float]
    public var b2: [Float]

    public init(inputs: Int, units: Int, classes: Int, w1: [Float], b1: [Float], w2: [Float], b2: [Float]) {
        precondition(w1.count == inputs * units && b1.count == units, "W1/b1 do not match inputs×units")
        precondition(w2.count == units * classes && b2.count == classes, "W2/b2 do not match units×classes")
        self.inputs = inputs
        self.units = units
        self.classes = classes
        self.w1 = w1
        self.b1 = b1
        self.w2 = w2
        self.b2 = b2
    }

    /// Fresh weights: `normal` draws N(0,1) like the seed; `xavier` draws
    /// Glorot-uniform U(±√(6/(fan_in+fan_out))) like Keras. Biases start at 0.
    public static func initialized(
        inputs: Int, units: Int, classes: Int,
        scheme: WeightInitialization, generator: inout SeededGenerator
    ) -> NetworkWeights {
        NetworkWeights(
            inputs: inputs, units: units, classes: classes,
            w1: scheme.draw(count: inputs * units, fanIn: inputs, fanOut: units, &generator),
            b1: Array(repeating: 0, count: units),
            w2: scheme.draw(count: units * classes, fanIn: units, fanOut: classes, &generator),
            b2: Array(repeating: 0, count: classes))
    }

    /// Adds `count` output classes, keeping every existing weight; the new
    /// columns of `W2` are drawn with `scheme`, their biases start at 0.
    public func growingOutput(by count: Int, scheme: WeightInitialization, generator: inout SeededGenerator) -> NetworkWeights {
        precondition(count >= 0)
        guard count > 0 else { return self }
        let newClasses = classes + count
        let fresh = scheme.draw(count: units * count, fanIn: units, fanOut: newClasses, &generator)
        var w2New = [Float](repeating: 0, count: units * newClasses)
        for r in 0..<units {
            for c in 0..<classes { w2New[r * newClasses + c] = w2[r * classes + c] }
            for c in 0..<count { w2New[r * newClasses + classes + c] = fresh[r * count + c] }
        }
        return NetworkWeights(
            inputs: inputs, units: units, classes: newClasses,
            w1: w1, b1: b1, w2: w2New, b2: b2 + Array(repeating: 0, count: count))
    }

    /// True when every parameter is a finite number.
    public var isFinite: Bool {
        w1.allSatisfy(\.isFinite) && b1.allSatisfy(\.isFinite) && w2.allSatisfy(\.isFinite) && b2.allSatisfy(\.isFinite)
    }
}

/// How fresh weights are drawn.
public enum WeightInitialization: String, Sendable, Codable, CaseIterable {
    /// N(0, 1), the seed's `np.random.normal(0, 1, …)`.
    case normal
    /// Glorot/Xavier uniform.
    case xavier

    func draw(count: Int, fanIn: Int, fanOut: Int, _ generator: inout SeededGenerator) -> [Float] {
        switch self {
        case .normal:
            return (0..<count).map { _ in Float(generator.normal()) }
        case .xavier:
            let limit = (6.0 / Double(fanIn + fanOut)).squareRoot()
            return (0..<count).map { _ in Float((generator.unit() * 2 - 1) * limit) }
        }
    }
}
