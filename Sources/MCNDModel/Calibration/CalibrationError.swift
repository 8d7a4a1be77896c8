/// Top-label expected calibration error: the rows binned by their confidence
/// (15 equal-width bins over [0, 1]), the gap between each bin's accuracy and
/// its mean confidence, weighted by the bin's share of rows.
public enum CalibrationError {
    public static let bins = 15

    /// `confidences[i]` is row i's top probability, `correct[i]` whether its argmax was right.
    public static func expected(confidences: [Double], correct: [Bool]) -> Double {
        precondition(confidences.count == correct.count, "one outcome per confidence")
        guard !confidences.isEmpty else { return 0 }
        var count = [Int](repeating: 0, count: bins), hits = [Int](repeating: 0, count: bins)
        var sum = [Double](repeating: 0, count: bins)
        for (c, ok) in zip(confidences, correct) {
            // Bins are (lo, hi]; a confidence of exactly 0 goes to the first.
            let b = min(bins - 1, max(0, Int((c * Double(bins)).rounded(.up)) - 1))
            count[b] += 1
            sum[b] += c
            if ok { hits[b] += 1 }
        }
        var ece = 0.0
        for b in 0..<bins where count[b] > 0 {
            ece += abs(Double(hits[b]) / Double(count[b]) - sum[b] / Double(count[b])) * Double(count[b])
        }
        return ece / Double(confidences.count)
    }
}
