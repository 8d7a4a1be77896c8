/// The familiarity check on the pixels themselves: a Gaussian per input value
/// (mean and variance over the training rows), the input's score its negative
/// log-likelihood under them (up to a constant), unfamiliar above the
/// `quantile` of the validation rows' scores. It sees what the hidden layer
/// and the principal components average away: light where clothes are always
/// dark (uniform and white pages, gradients, checkerboards, noise, inverted
/// images).
public struct PixelDensityCheck: Sendable, Codable, Equatable {
    /// Added to every variance: a value that never varies in training (a
    /// corner always black) would otherwise make any change infinitely unlikely.
    static let varianceFloor: Float = 1e-3

    public var mean: [Float]
    /// `1 / (variance + floor)` per value.
    public var precision: [Float]
    public var cutoff: Double
    public var quantile: Double

    /// Nil without training or validation rows.
    public init?(train: FeatureRows, validation: FeatureRows, quantile: Double) {
        let n = train.count, d = train.width
        guard n > 1, validation.count > 0 else { return nil }
        var sum = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        var row = [Float](repeating: 0, count: d)
        for r in 0..<n {
            row.withUnsafeMutableBufferPointer { train.copyRows(from: r, count: 1, into: $0.baseAddress!) }
            for j in 0..<d {
                sum[j] += Double(row[j])
                squares[j] += Double(row[j]) * Double(row[j])
            }
        }
        mean = sum.map { Float($0 / Double(n)) }
        precision = (0..<d).map { j in
            let m = sum[j] / Double(n)
            return 1 / (Float(max(squares[j] / Double(n) - m * m, 0)) + Self.varianceFloor)
        }
        self.quantile = quantile
        cutoff = 0
        var scores: [Double] = []
        for r in 0..<validation.count {
            row.withUnsafeMutableBufferPointer { validation.copyRows(from: r, count: 1, into: $0.baseAddress!) }
            scores.append(score(row[...]))
        }
        cutoff = FamiliarityCheck.quantile(scores, quantile)
    }

    /// Σ (x − μ)² / σ² over the values of one input row (values 0…1).
    public func score(_ x: ArraySlice<Float>) -> Double {
        var s: Double = 0
        for (j, v) in x.enumerated() where j < mean.count {
            let e = v - mean[j]
            s += Double(e * e * precision[j])
        }
        return s
    }

    public func unfamiliar(_ x: ArraySlice<Float>) -> Bool { score(x) > cutoff }
}
