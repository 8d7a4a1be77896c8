/// The familiarity check in the hidden layer as Lee et al. (2018) define it:
/// a Gaussian per class over `a1` with one covariance shared by all classes
/// (fitted on the training rows); an input's score is its squared Mahalanobis
/// distance to the nearest class mean, unfamiliar above the `quantile` of the
/// validation rows' scores. Unlike the Euclidean distance it knows which
/// directions of `a1` vary among clothes and which do not, so shapes, text and
/// inverted images stand out.
public struct MahalanobisCheck: Sendable, Codable, Equatable {
    /// Shrinkage towards a multiple of the identity (share of the mean
    /// variance): saturated sigmoid units leave directions without variance.
    static let shrinkage = 1e-4

    /// `L⁻¹`, `units × units` row-major, lower triangular, where `L Lᵀ` is the
    /// tied covariance: `|L⁻¹ (a − μ)|²` is the squared Mahalanobis distance.
    public var whitening: [Float]
    /// `L⁻¹ μ_c` per label index; empty for a class without training rows.
    public var means: [[Float]]
    public var units: Int
    public var cutoff: Double
    public var quantile: Double

    /// Nil when there are no training or validation rows, or the covariance is degenerate.
    public init?(train: NetworkActivations, trainLabels: [Int32], validation: NetworkActivations, classes: Int, quantile: Double) {
        self.init(
            trainHidden: train.hidden, trainLabels: trainLabels, validationHidden: validation.hidden, units: train.units,
            classes: classes, quantile: quantile)
    }

    /// The same from rows of `units` values each, row-major.
    public init?(trainHidden: [Float], trainLabels: [Int32], validationHidden: [Float], units h: Int, classes: Int, quantile: Double) {
        guard validationHidden.count / max(h, 1) > 0 else { return nil }
        self.init(
            statistics: ClassStatistics(rows: HiddenRows(trainHidden, units: h), labels: trainLabels, classes: classes),
            quantile: quantile)
        cutoff = FamiliarityCheck.quantile(scores(validationHidden), quantile)
    }

    /// From the training rows' class sums and tied scatter (one pass over their
    /// `a1`); the cutoff is left to the caller (the `quantile` of the
    /// validation rows' `scores`), infinite until then.
    init?(statistics: ClassStatistics, quantile: Double) {
        let h = statistics.units
        let n = statistics.counts.reduce(0, +)
        guard n > 1 else { return nil }
        let mu = statistics.means
        // Σ = 1/n Σ_r (a_r − μ_y)(a_r − μ_y)ᵀ.
        var sigma = statistics.scatter
        var trace = 0.0
        for i in 0..<h { trace += sigma[i * h + i] / Double(n) }
        let ridge = Self.shrinkage * max(trace / Double(h), 1e-12)
        for i in 0..<h {
            for j in i..<h {
                sigma[i * h + j] /= Double(n)
                sigma[j * h + i] = sigma[i * h + j]
            }
            sigma[i * h + i] += ridge
        }
        guard let inverse = Self.inverseCholesky(sigma, h) else { return nil }
        whitening = inverse.map { Float($0) }
        units = h
        means = []
        self.quantile = quantile
        cutoff = .infinity
        means = mu.map { m in m.isEmpty ? [] : Self.whiten(m.map { Float($0) }[...], inverse, h) }
    }

    /// The squared Mahalanobis distance of one row of `a1` to its nearest class mean.
    /// The same arithmetic as `scores`, which set the cutoff (one row of a batch).
    public func score(_ hidden: ArraySlice<Float>) -> Double { scores(Array(hidden))[0] }

    /// `score` of every row of `hidden` (rows × units): the whitening as one
    /// matrix product per block of rows, then the nearest whitened class mean.
    public func scores(_ hidden: [Float]) -> [Double] {
        let h = units, n = hidden.count / max(h, 1)
        guard n > 0 else { return [] }
        let present = means.filter { !$0.isEmpty }
        var out: [Double] = []
        out.reserveCapacity(n)
        // A block at a time: the whitened rows of a whole validation set would double its `a1`.
        let block = min(n, Self.blockRows)
        var y = [Float](repeating: 0, count: block * h)
        var start = 0
        while start < n {
            let m = min(block, n - start)
            // Y = X · Wᵀ: row i of W holds the weights of whitened unit i.
            hidden.withUnsafeBufferPointer { x in
                whitening.withUnsafeBufferPointer { w in
                    y.withUnsafeMutableBufferPointer { yp in
                        DNNL.multiply(
                            DNNL.Shape(m: m, n: h, k: h, transposeA: false, transposeB: true, lda: h, ldb: h, ldc: h),
                            a: x.baseAddress! + start * h, b: w.baseAddress!, c: yp.baseAddress!)
                    }
                }
            }
            y.withUnsafeBufferPointer { yp in
                for r in 0..<m {
                    var best = Double.infinity
                    for mean in present {
                        var s: Float = 0
                        mean.withUnsafeBufferPointer { mp in
                            for j in 0..<h {
                                let e = yp[r * h + j] - mp[j]
                                s += e * e
                            }
                        }
                        best = min(best, Double(s))
                    }
                    out.append(best)
                }
            }
            start += m
        }
        return out
    }

    /// Rows whitened per product in `scores`.
    static let blockRows = 4096

    public func unfamiliar(_ hidden: ArraySlice<Float>) -> Bool { score(hidden) > cutoff }

    /// `L⁻¹ x` for the lower-triangular `L⁻¹` (row-major).
    static func whiten<M: BinaryFloatingPoint>(_ x: ArraySlice<Float>, _ inverse: [M], _ h: Int) -> [Float] {
        let base = x.startIndex
        return (0..<h).map { i in
            var s: Double = 0
            for j in 0...i { s += Double(inverse[i * h + j]) * Double(x[base + j]) }
            return Float(s)
        }
    }

    /// `L⁻¹` of the Cholesky factor of the symmetric positive definite `a` (h × h); nil when it is not.
    static func inverseCholesky(_ a: [Double], _ h: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: h * h)
        for i in 0..<h {
            for j in 0...i {
                var s = a[i * h + j]
                for k in 0..<j { s -= l[i * h + k] * l[j * h + k] }
                if i == j {
                    guard s > 0, s.isFinite else { return nil }
                    l[i * h + i] = s.squareRoot()
                } else {
                    l[i * h + j] = s / l[j * h + j]
                }
            }
        }
        // Forward substitution, column by column of the identity.
        var inverse = [Double](repeating: 0, count: h * h)
        for c in 0..<h {
            for i in c..<h {
                var s = i == c ? 1.0 : 0
                for k in c..<i { s -= l[i * h + k] * inverse[k * h + c] }
                inverse[i * h + c] = s / l[i * h + i]
            }
        }
        return inverse
    }
}
