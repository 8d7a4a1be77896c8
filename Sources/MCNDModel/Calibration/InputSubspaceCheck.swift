/// The familiarity check in the input itself: the training images span a
/// low-dimensional subspace (their top principal components); how far an
/// input lies outside it (the residual after projecting onto it) is compared
/// with the `quantile` of the validation rows' residuals. Random noise, which
/// the hidden layer maps close to a class mean, lies far outside it.
public struct InputSubspaceCheck: Sendable, Codable, Equatable {
    public static let components = 20

    /// The training rows' mean (`features` values) and the components, `count × features` row-major, orthonormal.
    public var mean: [Float]
    public var basis: [Float]
    public var count: Int
    public var cutoff: Double
    public var quantile: Double

    public init?(
        train: FeatureRows, validation: FeatureRows, components q: Int = components,
        quantile: Double = FamiliarityCheck.defaultQuantile
    ) {
        let n = train.count, d = train.width
        guard n > q, validation.count > 0 else { return nil }
        var x = [Float](repeating: 0, count: n * d)
        x.withUnsafeMutableBufferPointer { train.copyRows(from: 0, count: n, into: $0.baseAddress!) }
        var mean = [Float](repeating: 0, count: d)
        for r in 0..<n { for j in 0..<d { mean[j] += x[r * d + j] } }
        for j in 0..<d { mean[j] /= Float(n) }
        for r in 0..<n { for j in 0..<d { x[r * d + j] -= mean[j] } }
        // Subspace iteration: Q ← orth(Xᵀ X Q), from a seeded random start.
        var generator = SeededGenerator(seed: 0x6d636e64)
        var basis = (0..<q * d).map { _ in Float(generator.normal()) }  // q × d
        Self.orthonormalize(&basis, rows: q, width: d)
        var y = [Float](repeating: 0, count: n * q)
        for _ in 0..<8 {
            // Y = X · Qᵀ (n × q)
            DNNL.multiply(DNNL.Shape(m: n, n: q, k: d, transposeA: false, transposeB: true, lda: d, ldb: d, ldc: q), x, basis, into: &y)
            // Qᵀ ← Xᵀ · Y, stored as Q = Yᵀ · X (q × d)
            DNNL.multiply(DNNL.Shape(m: q, n: d, k: n, transposeA: true, transposeB: false, lda: q, ldb: d, ldc: d), y, x, into: &basis)
            Self.orthonormalize(&basis, rows: q, width: d)
        }
        guard basis.allSatisfy(\.isFinite) else { return nil }
        self.mean = mean
        self.basis = basis
        self.count = q
        self.quantile = quantile
        cutoff = 0
        cutoff = FamiliarityCheck.quantile(residuals(validation), quantile)
    }

    /// The distance of one input row (values 0…1) from the training subspace.
    public func residual(_ x: ArraySlice<Float>) -> Double {
        residuals(FeatureRows(values: Array(x), width: mean.count))[0]
    }

    /// The distance of every row from the training subspace.
    public func residuals(_ rows: FeatureRows) -> [Double] { project(rows).residuals }

    /// Every row's distance from the training subspace, `‖c − (c·Bᵀ)·B‖` for
    /// the centred rows `c`, and its coordinates in it, `c·Bᵀ` (`count` values
    /// per row, for `InputNeighbourCheck`): two matrix products per block of
    /// rows — a prediction batch's worth at once rather than a row at a time.
    public func project(_ rows: FeatureRows) -> (residuals: [Double], coordinates: [Float]) {
        let d = mean.count, q = count, block = 1024
        var out: [Double] = [], coordinates: [Float] = []
        out.reserveCapacity(rows.count)
        coordinates.reserveCapacity(rows.count * q)
        var centered = [Float](repeating: 0, count: min(rows.count, block) * d)
        var back = centered
        var projected = [Float](repeating: 0, count: min(rows.count, block) * q)
        var start = 0
        while start < rows.count {
            let n = min(block, rows.count - start)
            centered.withUnsafeMutableBufferPointer { c in
                rows.copyRows(from: start, count: n, into: c.baseAddress!)
                mean.withUnsafeBufferPointer { m in for r in 0..<n { for j in 0..<d { c[r * d + j] -= m[j] } } }
            }
            // P = C · Bᵀ (n × q), then back = P · B (n × d): the rows' part inside the subspace.
            DNNL.multiply(
                DNNL.Shape(m: n, n: q, k: d, transposeA: false, transposeB: true, lda: d, ldb: d, ldc: q), centered, basis, into: &projected
            )
            DNNL.multiply(
                DNNL.Shape(m: n, n: d, k: q, transposeA: false, transposeB: false, lda: q, ldb: d, ldc: d), projected, basis, into: &back)
            coordinates += projected[0..<n * q]
            centered.withUnsafeBufferPointer { c in
                back.withUnsafeBufferPointer { k in
                    for r in 0..<n {
                        var s: Float = 0
                        for j in 0..<d {
                            let e = c[r * d + j] - k[r * d + j]
                            s += e * e
                        }
                        out.append(Double(s).squareRoot())
                    }
                }
            }
            start += n
        }
        return (out, coordinates)
    }

    public func unfamiliar(_ x: ArraySlice<Float>) -> Bool { residual(x) > cutoff }

    /// Modified Gram–Schmidt on the rows.
    static func orthonormalize(_ m: inout [Float], rows: Int, width d: Int) {
        for i in 0..<rows {
            for k in 0..<i {
                var dot: Float = 0
                for j in 0..<d { dot += m[i * d + j] * m[k * d + j] }
                for j in 0..<d { m[i * d + j] -= dot * m[k * d + j] }
            }
            var norm: Float = 0
            for j in 0..<d { norm += m[i * d + j] * m[i * d + j] }
            let inverse = norm > 0 ? 1 / norm.squareRoot() : 0
            for j in 0..<d { m[i * d + j] *= inverse }
        }
    }
}
