import Foundation
import MCNDModel
import Testing

/// Finite-difference check of the trainer's gradients, l1/l2 terms included.
///
/// The analytic gradient is read off one full-batch plain-SGD step in f32:
/// `∇ = (W_before − W_after) / lr`. It is compared with central differences of
/// the per-batch objective `(Σ CE + l1·Σ|W| + l2/2·ΣW²) / m` (W = W1 and W2,
/// never the biases), computed by an independent Double-precision forward pass
/// below. Every entry of W1, b1, W2 and b2 is checked.
///
/// Tolerance: `|∇ − fd| ≤ 1e-3·|fd| + 1e-6`. The Float32 step loses ~1e-7
/// absolute when W_after is rounded (|W| ≤ 1, lr = 1) and ~1e-6 relative in the
/// forward and backward products; central differences with h = 1e-5 in Double
/// are accurate to ~1e-10. Real bugs are far outside it: the δ1 sigmoid factor
/// a1(1−a1) is at most 1/4, so dropping it multiplies every W1/b1 gradient by
/// ≥ 4; a dropped or mis-scaled penalty is off by l1/m ≈ 6e-3 or l2·|w|/m ≥ 2e-3
/// (weights are kept at |w| ≥ 0.1), which `penaltyIsVisibleToTheCheck` asserts
/// is ≥ 10× the tolerance for every penalized entry; a scalar b2 gradient (the
/// seed's bug) would give all classes the same ≈0 value.
struct GradientCheckTests {
    struct Penalties: Sendable, CustomTestStringConvertible {
        var l1: Double
        var l2: Double
        var testDescription: String { "l1 \(l1), l2 \(l2)" }
    }

    /// No penalty; l2 alone (mcnd folds it into sgemm's beta); both (a separate l1 pass).
    static let penalties = [Penalties(l1: 0, l2: 0), Penalties(l1: 0, l2: 0.3), Penalties(l1: 0.05, l2: 0.2)]

    static let inputs = 7, units = 5, classes = 4, rows = 9
    static let learningRate: Float = 1
    static let h = 1e-5

    /// In bf16 the products round x, W1 and δ1 to 8 significant bits (relative
    /// error ≤ 2⁻⁹ each), so a gradient entry moves by up to ~1 % of the sum of
    /// its terms' magnitudes. The bound below is 2.5× the worst entry measured
    /// on this problem (40 % of it used, printed by the test) and still far
    /// below a dropped sigmoid factor (≥ 4×, an error of ≥ 75 %). Where the CPU
    /// has no native bf16, `.bf16` trains in f32 and meets the f32 bound anyway.
    static func tolerance(_ precision: TrainingPrecision, _ fd: Double) -> Double {
        precision == .f32 ? 1e-3 * abs(fd) + 1e-6 : 2e-2 * abs(fd) + 6e-4
    }

    @Test(arguments: penalties, [TrainingPrecision.f32, .bf16])
    func trainerStepFollowsTheGradient(_ penalty: Penalties, _ precision: TrainingPrecision) throws {
        let problem = Problem()
        let analytic = try problem.gradientFromOneStep(penalty, precision: precision)
        let reference = problem.reference
        var worst = 0.0
        for tensor in Tensor.allCases {
            let count = reference.parameters[tensor.rawValue].count
            for i in 0..<count {
                let fd = reference.finiteDifference(tensor, i, x: problem.features, labels: problem.labels, penalty, h: Self.h)
                let got = analytic[tensor.rawValue][i]
                worst = max(worst, abs(got - fd) / Self.tolerance(precision, fd))
                #expect(
                    abs(got - fd) <= Self.tolerance(precision, fd),
                    "\(precision) \(penalty.testDescription) \(tensor)[\(i)]: step gives \(got), finite differences \(fd)")
            }
        }
        print("gradient check \(precision) \(penalty.testDescription): worst error \(worst) of the tolerance")
        // The biases do not take the penalty: b2 still sums to 0 over the
        // classes (softmax rows sum to 1), which the seed's scalar b2
        // gradient would reduce to a single ≈0 value for every class.
        let b2 = analytic[Tensor.b2.rawValue]
        #expect(abs(b2.reduce(0, +)) < 1e-5)
        #expect(b2.map(abs).max()! > 1e-2)
    }

    /// The check can see the penalty: for every penalized entry, the gradient
    /// without the penalty differs from the trainer's by ≥ 10× the tolerance.
    @Test func penaltyIsVisibleToTheCheck() throws {
        let problem = Problem()
        let penalty = Self.penalties.last!
        let analytic = try problem.gradientFromOneStep(penalty)
        for tensor in [Tensor.w1, .w2] {
            for i in problem.reference.parameters[tensor.rawValue].indices {
                let unpenalized = problem.reference.finiteDifference(
                    tensor, i, x: problem.features, labels: problem.labels, Penalties(l1: 0, l2: 0), h: Self.h)
                let tolerance = 1e-3 * abs(unpenalized) + 1e-6
                #expect(abs(analytic[tensor.rawValue][i] - unpenalized) > 10 * tolerance)
            }
        }
    }

    enum Tensor: Int, CaseIterable, CustomStringConvertible {
        case w1, b1, w2, b2
        var description: String { ["W1", "b1", "W2", "b2"][rawValue] }
        var isPenalized: Bool { self == .w1 || self == .w2 }
    }

    /// A small fixed problem: random features, every class present, weights
    /// away from 0 (sign() is not differentiable there).
    struct Problem {
        let features: [Float]
        let labels: [Int32]
        let start: NetworkWeights
        let order: [Int]

        init() {
            var generator = SeededGenerator(seed: 7)
            func uniform(_ low: Double, _ high: Double) -> Float {
                Float(low + (high - low) * generator.unit())
            }
            func awayFromZero(_ count: Int) -> [Float] {
                (0..<count).map { _ in
                    let magnitude = uniform(0.1, 1.0)
                    return generator.next() & 1 == 0 ? magnitude : -magnitude
                }
            }
            let (n, h, k, m) = (GradientCheckTests.inputs, GradientCheckTests.units, GradientCheckTests.classes, GradientCheckTests.rows)
            features = (0..<(m * n)).map { _ in uniform(-1.5, 1.5) }
            labels = (0..<m).map { Int32($0 % k) }
            start = NetworkWeights(
                inputs: n, units: h, classes: k,
                w1: awayFromZero(n * h), b1: (0..<h).map { _ in uniform(-0.5, 0.5) },
                w2: awayFromZero(h * k), b2: (0..<k).map { _ in uniform(-0.5, 0.5) })
            order = generator.permutation(m)  // one full batch, rows gathered out of order
        }

        var reference: ReferenceNetwork { ReferenceNetwork(start) }

        /// `(W_before − W_after)/lr` for one full-batch step, per tensor.
        func gradientFromOneStep(_ penalty: Penalties, precision: TrainingPrecision = .f32) throws -> [[Double]] {
            let options = TrainingOptions(
                units: start.units, batchSize: labels.count, learningRate: GradientCheckTests.learningRate,
                l1: Float(penalty.l1), l2: Float(penalty.l2), epochs: 1, initialization: .normal,
                learningRateDecay: 1, threads: 1, precision: precision, optimizer: .sgd, schedule: .constant)
            let result = try Trainer(options: options).train(
                rows: FeatureRows(values: features, width: start.inputs), labels: labels, classes: start.classes,
                start: start, order: .given([order]))
            let lr = Double(GradientCheckTests.learningRate)
            func gradient(_ before: [Float], _ after: [Float]) -> [Double] {
                zip(before, after).map { (Double($0) - Double($1)) / lr }
            }
            let after = result.weights
            return [
                gradient(start.w1, after.w1), gradient(start.b1, after.b1),
                gradient(start.w2, after.w2), gradient(start.b2, after.b2),
            ]
        }
    }

    /// An independent Double-precision MultiClassNetwork: only the forward
    /// pass and the objective, written from the formulas in the README (the book's network).
    struct ReferenceNetwork {
        let inputs: Int, units: Int, classes: Int
        /// W1 (inputs×units), b1, W2 (units×classes), b2; row-major.
        var parameters: [[Double]]

        init(_ weights: NetworkWeights) {
            inputs = weights.inputs
            units = weights.units
            classes = weights.classes
            parameters = [weights.w1, weights.b1, weights.w2, weights.b2].map { $0.map(Double.init) }
        }

        /// `(Σ CE + l1·(Σ|W1|+Σ|W2|) + l2/2·(ΣW1²+ΣW2²)) / m`.
        func objective(x: [Float], labels: [Int32], _ penalty: Penalties) -> Double {
            let (w1, b1, w2, b2) = (parameters[0], parameters[1], parameters[2], parameters[3])
            let m = labels.count
            var crossEntropy = 0.0
            for r in 0..<m {
                var a1 = [Double](repeating: 0, count: units)
                for j in 0..<units {
                    var z = b1[j]
                    for i in 0..<inputs { z += Double(x[r * inputs + i]) * w1[i * units + j] }
                    a1[j] = 1 / (1 + exp(-z))
                }
                var z2 = [Double](repeating: 0, count: classes)
                for c in 0..<classes {
                    var z = b2[c]
                    for j in 0..<units { z += a1[j] * w2[j * classes + c] }
                    z2[c] = z
                }
                let top = z2.max()!
                let logSum = top + log(z2.reduce(0) { $0 + exp($1 - top) })
                crossEntropy += logSum - z2[Int(labels[r])]  // −log softmax(z2)[label]
            }
            var absolute = 0.0, squared = 0.0
            for w in [w1, w2] {
                for v in w {
                    absolute += abs(v)
                    squared += v * v
                }
            }
            return (crossEntropy + penalty.l1 * absolute + penalty.l2 / 2 * squared) / Double(m)
        }

        /// Central difference of `objective` in entry `i` of `tensor`.
        func finiteDifference(_ tensor: Tensor, _ i: Int, x: [Float], labels: [Int32], _ penalty: Penalties, h: Double) -> Double {
            var plus = self, minus = self
            plus.parameters[tensor.rawValue][i] += h
            minus.parameters[tensor.rawValue][i] -= h
            return (plus.objective(x: x, labels: labels, penalty) - minus.objective(x: x, labels: labels, penalty)) / (2 * h)
        }
    }
}
