/// Whether an input resembles what the model was trained on, judged in the
/// hidden layer: each class's mean activation `a1` (over its training rows),
/// and per class a cutoff, the `quantile` of the distances of its validation
/// rows to that mean. An input farther from its nearest class mean than that
/// class's cutoff is unfamiliar (a photo given to a clothing model, noise, a
/// blank page) and should not get a confident label.
public struct FamiliarityCheck: Sendable, Codable, Equatable {
    public static let defaultQuantile = 0.995

    /// Mean hidden activation per label index (`units` values each); empty for a class without rows.
    public var means: [[Float]]
    /// Euclidean distance cutoff per label index.
    public var cutoffs: [Double]
    /// Validation rows behind each class's cutoff; a class with fewer than the
    /// minimum support uses the quantile over all validation rows.
    public var support: [Int]
    public var quantile: Double

    /// `train` gives the means, `validation` the distance distributions.
    public init?(
        train: NetworkActivations, trainLabels: [Int32], validation: NetworkActivations, validationLabels: [Int32],
        classes: Int, minimumSupport: Int, quantile: Double = defaultQuantile
    ) {
        let statistics = ClassStatistics(rows: HiddenRows(train.hidden, units: train.units), labels: trainLabels, classes: classes)
        let means = Self.means(statistics)
        var distances = [[Double]](repeating: [], count: classes)
        Self.addDistances(validation.hidden[...], labels: validationLabels[...], means: means, into: &distances)
        self.init(means: means, distances: distances, minimumSupport: minimumSupport, quantile: quantile)
    }

    /// From the class means and, per class, its validation rows' distances to its mean.
    init?(means: [[Float]], distances: [[Double]], minimumSupport: Int, quantile: Double = defaultQuantile) {
        let all = distances.flatMap { $0 }
        guard !all.isEmpty else { return nil }
        let pooled = Self.quantile(all, quantile)
        self.means = means
        support = distances.map(\.count)
        cutoffs = distances.map { $0.count >= minimumSupport ? Self.quantile($0, quantile) : pooled }
        self.quantile = quantile
    }

    /// Each class's mean `a1` from the training rows' class sums; empty for a class without rows.
    static func means(_ statistics: ClassStatistics) -> [[Float]] { statistics.means.map { $0.map { Float($0) } } }

    /// Appends each row's distance to its own class's mean (rows of `means[0].count`
    /// values, one label each; rows of a class without a mean are left out).
    static func addDistances(_ hidden: ArraySlice<Float>, labels: ArraySlice<Int32>, means: [[Float]], into distances: inout [[Double]]) {
        guard let h = means.first(where: { !$0.isEmpty })?.count else { return }
        let base = hidden.startIndex
        for (r, y) in labels.enumerated() where Int(y) < means.count && !means[Int(y)].isEmpty {
            distances[Int(y)].append(distance(hidden[base + r * h..<base + (r + 1) * h], means[Int(y)]))
        }
    }

    /// The nearest class mean to one row of `a1`: its index and distance, and whether it is beyond the cutoff.
    public func assess(_ hidden: ArraySlice<Float>) -> (nearest: Int, distance: Double, unfamiliar: Bool) {
        var best = -1, bestDistance = Double.infinity
        for (c, mean) in means.enumerated() where !mean.isEmpty {
            let d = Self.distance(hidden, mean)
            if d < bestDistance {
                best = c
                bestDistance = d
            }
        }
        guard best >= 0 else { return (0, .infinity, false) }
        return (best, bestDistance, bestDistance > cutoffs[best])
    }

    static func distance(_ a: ArraySlice<Float>, _ b: [Float]) -> Double {
        var s: Float = 0
        for (x, y) in zip(a, b) { s += (x - y) * (x - y) }
        return Double(s).squareRoot()
    }

    /// The `q` quantile, linear between order statistics (numpy's default).
    static func quantile(_ values: [Double], _ q: Double) -> Double {
        let s = values.sorted()
        let position = q * Double(s.count - 1)
        let i = Int(position), f = position - Double(i)
        return i + 1 < s.count ? s[i] + f * (s[i + 1] - s[i]) : s[i]
    }
}
