import Glibc

/// How the learning rate moves over a run (`train.schedule`).
public enum LearningRateSchedule: String, Sendable, Codable, CaseIterable {
    /// `learning_rate` throughout.
    case constant
    /// `learning_rate · learning_rate_decay^(epoch−1)`.
    case decay
    /// Rises from `learning_rate/25` to `learning_rate` over the first 30% of
    /// the steps, then anneals (cosine) to `learning_rate/250,000` at the last
    /// step, while Nesterov's momentum μ moves the other way between μ+0.05
    /// and μ−0.05 — PyTorch's OneCycleLR defaults (0.95…0.85 for μ = 0.9).
    case oneCycle = "one_cycle"

    static let warmupShare = 0.3, initialDivisor = 25.0, finalDivisor = 1e4

    static let momentumSwing: Float = 0.05

    /// The momentum of step `step` (0-based) of `steps`: `base` except in a one-cycle run.
    func momentum(base: Float, step: Int, steps: Int) -> Float {
        guard self == .oneCycle else { return base }
        // Where the rate is on its way from low to high (0…1) is where μ is from high to low.
        let top = Double(base + Self.momentumSwing), low = Double(max(0, base - Self.momentumSwing))
        let peak = Self.warmupShare * Double(steps) - 1, s = Double(step)
        func cosine(_ from: Double, _ to: Double, _ t: Double) -> Double {
            to + (from - to) / 2 * (1 + cos(Double.pi * min(max(t, 0), 1)))
        }
        if s <= peak { return Float(cosine(top, low, peak > 0 ? s / peak : 1)) }
        let rest = Double(steps - 1) - peak
        return Float(cosine(low, top, rest > 0 ? (s - peak) / rest : 1))
    }

    /// The rate of step `step` (0-based) of `steps`, in epoch `epoch` (1-based).
    func rate(base: Float, decay: Float, epoch: Int, step: Int, steps: Int) -> Float {
        switch self {
        case .constant: return base
        case .decay: return base * powf(decay, Float(epoch - 1))
        case .oneCycle:
            let top = Double(base), low = top / Self.initialDivisor, end = low / Self.finalDivisor
            let peak = Self.warmupShare * Double(steps) - 1
            let s = Double(step)
            func cosine(_ from: Double, _ to: Double, _ t: Double) -> Double {
                to + (from - to) / 2 * (1 + cos(Double.pi * min(max(t, 0), 1)))
            }
            if s <= peak { return Float(cosine(low, top, peak > 0 ? s / peak : 1)) }
            let rest = Double(steps - 1) - peak
            return Float(cosine(top, end, rest > 0 ? (s - peak) / rest : 1))
        }
    }
}
