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
}
