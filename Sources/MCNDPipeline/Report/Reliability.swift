/// How well the confidence (the top probability) matches the accuracy: ten
/// equal-width bins, bin b holding confidences in (b/10, (b+1)/10] (the first
/// also holds 0), and the expected calibration error
/// ECE = Σ_b (n_b / N) · |accuracy_b − mean confidence_b| (Guo et al., 2017).
public struct Reliability: Sendable, Codable, Equatable {
    public struct Bin: Sendable, Codable, Equatable {
        public var lower: Double
        public var upper: Double
        public var count: Int
        /// nil for an empty bin.
        public var accuracy: Double?
        public var confidence: Double?
    }

    public static let binCount = 10
    public var bins: [Bin]
    public var ece: Double

    public static func bin(of confidence: Double) -> Int {
        min(max(Int((confidence * Double(binCount)).rounded(.up)) - 1, 0), binCount - 1)
    }

    public init(confidences: [Double], correct: [Bool]) {
        precondition(confidences.count == correct.count, "one outcome per confidence")
        var counts = [Int](repeating: 0, count: Self.binCount)
        var hits = [Int](repeating: 0, count: Self.binCount)
        var sums = [Double](repeating: 0, count: Self.binCount)
        for (c, ok) in zip(confidences, correct) {
            let b = Self.bin(of: c)
            counts[b] += 1
            sums[b] += c
            if ok { hits[b] += 1 }
        }
        let total = Double(confidences.count)
        var ece = 0.0
        bins = (0..<Self.binCount).map { b in
            let n = counts[b]
            let accuracy = n > 0 ? Double(hits[b]) / Double(n) : nil
            let confidence = n > 0 ? sums[b] / Double(n) : nil
            if let accuracy, let confidence { ece += Double(n) / total * abs(accuracy - confidence) }
            return Bin(
                lower: Double(b) / Double(Self.binCount), upper: Double(b + 1) / Double(Self.binCount),
                count: n, accuracy: accuracy, confidence: confidence)
        }
        self.ece = ece
    }
}
