/// The confusion matrix and per-class scores of predictions against true
/// labels, with scikit-learn's definitions (`classification_report`): a class
/// never predicted has precision 0, macro and weighted averages are taken over
/// the classes that occur as true or predicted labels.
public struct ClassificationMetrics: Sendable, Codable, Equatable {
    public struct ClassScore: Sendable, Codable, Equatable {
        public var label: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// True rows of this class.
        public var support: Int
    }
    public struct Average: Sendable, Codable, Equatable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int
    }

    public var labels: [String]
    /// `confusion[true][predicted]`: row counts.
    public var confusion: [[Int]]
    public var perClass: [ClassScore]
    public var macro: Average
    public var weighted: Average
    public var accuracy: Double
    public var rows: Int

    /// Above this many labels the matrix is left out (`confusion` empty): it
    /// would be labels² cells; the per-class scores are still all there.
    public static let matrixLabelLimit = 100

    public init(labels: [String], truth: [Int], predicted: [Int]) {
        precondition(truth.count == predicted.count, "one prediction per row")
        let k = labels.count
        // Counted in O(rows + labels): a root may have thousands of labels.
        var truePositives = [Int](repeating: 0, count: k), support = [Int](repeating: 0, count: k)
        var predictedAs = [Int](repeating: 0, count: k)
        var confusion = k <= Self.matrixLabelLimit ? [[Int]](repeating: [Int](repeating: 0, count: k), count: k) : []
        for (t, p) in zip(truth, predicted) where t < k && p < k {
            support[t] += 1
            predictedAs[p] += 1
            if t == p { truePositives[t] += 1 }
            if !confusion.isEmpty { confusion[t][p] += 1 }
        }
        var scores: [ClassScore] = []
        var occurring: [Int] = []
        for c in 0..<k {
            let precision = predictedAs[c] > 0 ? Double(truePositives[c]) / Double(predictedAs[c]) : 0
            let recall = support[c] > 0 ? Double(truePositives[c]) / Double(support[c]) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            scores.append(ClassScore(label: labels[c], precision: precision, recall: recall, f1: f1, support: support[c]))
            if support[c] > 0 || predictedAs[c] > 0 { occurring.append(c) }
        }
        let total = scores.reduce(0) { $0 + $1.support }
        func average(_ weight: (ClassScore) -> Double) -> Average {
            let weights = occurring.map { weight(scores[$0]) }
            let sum = weights.reduce(0, +)
            func mean(_ value: (ClassScore) -> Double) -> Double {
                sum > 0 ? zip(occurring, weights).reduce(0) { $0 + value(scores[$1.0]) * $1.1 } / sum : 0
            }
            return Average(precision: mean(\.precision), recall: mean(\.recall), f1: mean(\.f1), support: total)
        }
        self.labels = labels
        self.confusion = confusion
        self.perClass = scores
        self.macro = average { _ in 1 }
        self.weighted = average { Double($0.support) }
        self.rows = total
        self.accuracy = total > 0 ? Double(truePositives.reduce(0, +)) / Double(total) : 0
    }
}
