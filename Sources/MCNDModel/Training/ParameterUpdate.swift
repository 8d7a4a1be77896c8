/// One step's change of a parameter block, in one fused pass: the optimizer's
/// rule with the l1/l2 penalty of W1 and W2 (never the biases), as the seed
/// scales it: `∇ = g + (l1·sign(w) + l2·w)/m` with `g` the batch gradient.
struct ParameterUpdate {
    var optimizer: Optimizer
    var penalty: Penalty

    /// Updates `count` weights from their gradient `g`; `velocity` (Nesterov's
    /// buffer) and the momentum `mu` are used only by `.nesterov`. `penalized` is false for biases.
    func apply(
        _ w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, velocity v: UnsafeMutablePointer<Float>,
        count: Int, learningRate lr: Float, momentum mu: Float, batchRows m: Int, penalized: Bool
    ) {
        let l1 = penalized ? penalty.l1 / Float(m) : 0, l2 = penalized ? penalty.l2 / Float(m) : 0
        switch optimizer {
        case .sgd where l1 == 0:
            // The seed's order: shrink, then subtract the step (l2 = 0 makes it `w − lr·g`).
            let shrink = 1 - lr * l2
            for i in 0..<count { w[i] = w[i] * shrink - lr * g[i] }
        case .sgd:
            let shrink = 1 - lr * l2, step = lr * l1
            for i in 0..<count {
                let x = w[i]
                let sign: Float = x > 0 ? 1 : (x < 0 ? -1 : 0)
                w[i] = (x * shrink - step * sign) - lr * g[i]
            }
        case .nesterov:
            for i in 0..<count {
                let x = w[i]
                let sign: Float = x > 0 ? 1 : (x < 0 ? -1 : 0)
                let d = g[i] + (l1 * sign + l2 * x)
                let velocity = mu * v[i] + d
                v[i] = velocity
                w[i] = x - lr * (d + mu * velocity)
            }
        }
    }

    /// The same step for a block whose gradient comes as `parts` partial sums
    /// `stride` apart (added in part order into the first), followed by the
    /// bf16 copy of the new weights into `half` when given: one AVX-512 pass
    /// where the CPU has it, else the Swift loops, with the same result.
    func apply(
        _ w: UnsafeMutablePointer<Float>, partials g: UnsafeMutablePointer<Float>, stride: Int, parts: Int,
        velocity v: UnsafeMutablePointer<Float>, count: Int, learningRate lr: Float, momentum mu: Float,
        batchRows m: Int, half: UnsafeMutablePointer<UInt16>?
    ) {
        guard VectorKernels.available else {
            for q in 1..<max(parts, 1) {
                let other = g + q * stride
                for i in 0..<count { g[i] += other[i] }
            }
            apply(w, gradient: g, velocity: v, count: count, learningRate: lr, momentum: mu, batchRows: m, penalized: true)
            if let half { ForwardKernels.bf16(w, count: count, into: half) }
            return
        }
        let l1 = penalty.l1 / Float(m), l2 = penalty.l2 / Float(m)
        let rule: VectorKernels.Rule =
            switch optimizer {
            case .sgd where l1 == 0: .sgd
            case .sgd: .sgdL1
            case .nesterov: .nesterov
            }
        VectorKernels.update(
            w, gradient: g, stride: stride, parts: parts, velocity: v, count: count, rule: rule,
            learningRate: lr, momentum: mu, l1: l1, l2: l2, shrink: 1 - lr * l2, half: half)
    }
}
