import Glibc

/// One temperature T for all classes: `softmax(z / T)`. Dividing every logit
/// by the same positive number keeps each row's argmax, so predictions do not
/// change; only how sure they claim to be (Guo et al., 2017).
public enum TemperatureScaling {
    /// Search range of T; outside it the validation set is too small to say more.
    static let range = (low: 0.05, high: 20.0)

    /// The T that minimises the mean cross-entropy of `softmax(z / T)` on
    /// (`logits`, `labels`). The loss is convex in 1/T, so a golden-section
    /// search over log T finds the minimum.
    public static func fit(logits: [Float], labels: [Int32], classes k: Int) -> Double {
        guard !labels.isEmpty else { return 1 }
        var a = log(range.low), b = log(range.high)
        let ratio = (5.0.squareRoot() - 1) / 2
        var c = b - ratio * (b - a), d = a + ratio * (b - a)
        var fc = loss(logits, labels, k, exp(c)), fd = loss(logits, labels, k, exp(d))
        for _ in 0..<80 where b - a > 1e-6 {
            if fc < fd {
                b = d
                d = c
                fd = fc
                c = b - ratio * (b - a)
                fc = loss(logits, labels, k, exp(c))
            } else {
                a = c
                c = d
                fc = fd
                d = a + ratio * (b - a)
                fd = loss(logits, labels, k, exp(d))
            }
        }
        return exp((a + b) / 2)
    }

    /// Mean cross-entropy of the labels under `softmax(z / T)`.
    static func loss(_ logits: [Float], _ labels: [Int32], _ k: Int, _ t: Double) -> Double {
        var total = 0.0
        for (r, y) in labels.enumerated() {
            let row = logits[r * k..<(r + 1) * k]
            let top = Double(row.max()!) / t
            let sum = row.reduce(0.0) { $0 + exp(Double($1) / t - top) }
            total += top + log(sum) - Double(row[r * k + Int(y)]) / t
        }
        return total / Double(labels.count)
    }

    /// `softmax(row / T)` in Float32, the max subtracted first (no overflow).
    public static func probabilities(_ row: ArraySlice<Float>, temperature t: Double) -> [Float] {
        let scale = Float(1 / t)
        let top = row.max() ?? 0
        var out = row.map { expf(($0 - top) * scale) }
        let inverse = 1 / out.reduce(0, +)
        for i in out.indices { out[i] *= inverse }
        return out
    }
}
