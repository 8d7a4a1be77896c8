/// The l1/l2 regularization of W1 and W2 (never the biases), as in the seed.
struct Penalty {
    var l1: Float
    var l2: Float

    var isZero: Bool { l1 == 0 && l2 == 0 }

    /// `l1·(Σ|W1|+Σ|W2|) + l2/2·(ΣW1²+ΣW2²)`, the seed's `reg_loss`.
    func loss(_ weights: NetworkWeights) -> Double {
        guard !isZero else { return 0 }
        var absolute = 0.0, squared = 0.0
        for w in [weights.w1, weights.w2] {
            for v in w {
                absolute += Double(abs(v))
                squared += Double(v) * Double(v)
            }
        }
        return Double(l1) * absolute + Double(l2) / 2 * squared
    }

    /// Applies the penalty part of one SGD step, `W -= lr·(l1·sign(W) + l2·W)/m`,
    /// before the gradient part is added by sgemm. With l1 = 0 it folds into
    /// sgemm's beta instead (see `decay`), so no pass is made.
    func applyL1(to w: UnsafeMutablePointer<Float>, count: Int, learningRate: Float, batchRows m: Int) {
        guard l1 != 0 else { return }
        let shrink = 1 - learningRate * l2 / Float(m)
        let step = learningRate * l1 / Float(m)
        for i in 0..<count {
            let v = w[i]
            let sign: Float = v > 0 ? 1 : (v < 0 ? -1 : 0)
            w[i] = v * shrink - step * sign
        }
    }

    /// The factor sgemm's beta applies to W: the l2 shrink when no l1 pass ran.
    func beta(learningRate: Float, batchRows m: Int) -> Float {
        l1 != 0 ? 1 : 1 - learningRate * l2 / Float(m)
    }
}
