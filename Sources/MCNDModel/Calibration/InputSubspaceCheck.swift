/// The familiarity check in the input itself: the training images span a
/// low-dimensional subspace (their top principal components); how far an
/// input lies outside it (the residual after projecting onto it) is compared
/// with the `quantile` of the validation rows' residuals. Random noise, which
/// the hidden layer maps close to a class mean, lies far outside it.
public struct InputSubspaceCheck: Sendable, Codable, Equatable {
    public static let components = 20
    /// Training rows per block of the fit's products (3 MB of Float at 28×28).
    static let blockRows = 1024

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
        // The rows are read a block at a time, as Float, on every pass: a
        // Float copy of a million 28×28 rows would take 3 GB.
        let block = min(n, Self.blockRows)
        var x = [Float](repeating: 0, count: block * d)
        var mean = [Float](repeating: 0, count: d)
        var start = 0
        while start < n {
            let m = min(block, n - start)
            x.withUnsafeMutableBufferPointer { train.copyRows(from: start, count: m, into: $0.baseAddress!) }
            for r in 0..<m { for j in 0..<d { mean[j] += x[r * d + j] } }
            start += m
        }
        for j in 0..<d { mean[j] /= Float(n) }
        // Subspace iteration: Q ← orth(Xᵀ X Q), from a seeded random start, X the centred rows.
        var generator = SeededGenerator(seed: 0x6d636e64)
        var basis = (0..<q * d).map { _ in Float(generator.normal()) }  // q × d
        Self.orthonormalize(&basis, rows: q, width: d)
        var y = [Float](repeating: 0, count: block * q), part = [Float](repeating: 0, count: q * d)
        for _ in 0..<8 {
            var next = [Float](repeating: 0, count: q * d)
            start = 0
            while start < n {
                let m = min(block, n - start)
                x.withUnsafeMutableBufferPointer { c in
                    train.copyRows(from: start, count: m, into: c.baseAddress!)
                    mean.withUnsafeBufferPointer { mp in for r in 0..<m { for j in 0..<d { c[r * d + j] -= mp[j] } } }
                }
                // Y = X · Qᵀ (m × q), then this block's share of Qᵀ ← Xᵀ · Y, stored as Yᵀ · X (q × d).
                DNNL.multiply(DNNL.Shape(m: m, n: q, k: d, transposeA: false, transposeB: true, lda: d, ldb: d, ldc: q), x, basis, into: &y)
                DNNL.multiply(DNNL.Shape(m: q, n: d, k: m, transposeA: true, transposeB: false, lda: q, ldb: d, ldc: d), y, x, into: &part)
                for i in 0..<q * d { next[i] += part[i] }
                start += m
            }
            basis = next
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
