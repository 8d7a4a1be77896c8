/// The familiarity check among the training images: how far an input lies
/// from the nearest of a few hundred prototypes (k-means centres of the
/// training rows) inside the principal subspace of `InputSubspaceCheck`,
/// against the `quantile` of the validation rows' distances. The residual
/// check sees what lies outside that subspace; this one sees an input inside
/// it but where no clothes are — an 8×8 digit stretched to 28×28, a shape —
/// which the residual and the per-pixel Gaussian, global as they are, miss.
/// In the subspace's 20 coordinates it costs a prediction about a tenth of
/// the hidden layer's multiply, where nearest neighbours among the 784 pixels
/// of every training image would cost a thousand times that.
public struct InputNeighbourCheck: Sendable, Codable, Equatable {
    public static let prototypes = 512
    /// Half the other checks' share: it also flags the rare clothes near no
    /// prototype, and at their 0.6 % the four together flagged about 2 % of t10k.
    public static let defaultQuantile = 1 - 0.003
    /// Lloyd iterations from evenly spaced training rows: the distances, not
    /// the clustering, matter, and they settle within a few.
    static let iterations = 12
    /// At most this many training rows are clustered (evenly spaced, see
    /// `sample`), which keeps a promotion on 60,000 examples to about a second.
    static let maximumRows = 20_000

    /// The training rows to cluster out of `count`: every row, or evenly
    /// spaced ones when there are more than twice `maximumRows`.
    public static func sample(_ count: Int) -> StrideTo<Int> { stride(from: 0, to: count, by: max(1, count / maximumRows)) }

    /// `count × width` row-major, in the subspace's coordinates.
    public var centres: [Float]
    public var count: Int
    public var width: Int
    public var cutoff: Double
    public var quantile: Double

    /// `train` and `validation`: the rows' coordinates in the subspace
    /// (`width` each, from `InputSubspaceCheck.project`), the training rows
    /// those of `sample` (all of them are clustered). Nil without rows.
    public init?(train rows: [Float], validation: [Float], width q: Int, prototypes m: Int = prototypes, quantile: Double) {
        guard q > 0, rows.count >= q, !validation.isEmpty else { return nil }
        let r = rows.count / q, k = min(m, r)
        var centres: [Float] = []
        for c in 0..<k {
            let i = c * r / k
            centres += rows[i * q..<(i + 1) * q]
        }
        var nearest = [Int](repeating: 0, count: r)
        for _ in 0..<Self.iterations {
            nearest = Self.nearest(rows, centres, width: q).map { $0.index }
            var sums = [Float](repeating: 0, count: k * q), counts = [Int](repeating: 0, count: k)
            for i in 0..<r {
                counts[nearest[i]] += 1
                for j in 0..<q { sums[nearest[i] * q + j] += rows[i * q + j] }
            }
            // A centre that lost every row keeps its place.
            for c in 0..<k where counts[c] > 0 { for j in 0..<q { centres[c * q + j] = sums[c * q + j] / Float(counts[c]) } }
        }
        guard centres.allSatisfy(\.isFinite) else { return nil }
        self.centres = centres
        count = k
        width = q
        self.quantile = quantile
        cutoff = 0
        cutoff = FamiliarityCheck.quantile(scores(validation), quantile)
    }

    /// The distance of every row of `coordinates` (`width` values each) to its nearest prototype.
    public func scores(_ coordinates: [Float]) -> [Double] {
        Self.nearest(coordinates, centres, width: width).map { Double($0.squared).squareRoot() }
    }

    /// For each row of `x`, the nearest row of `c` and the squared distance:
    /// `‖x‖² − 2 x·c + ‖c‖²`, the products as one matrix multiply per block.
    static func nearest(_ x: [Float], _ c: [Float], width q: Int) -> [(index: Int, squared: Float)] {
        let n = x.count / q, k = c.count / q, block = 1024
        let norms = (0..<k).map { i in (0..<q).reduce(Float(0)) { $0 + c[i * q + $1] * c[i * q + $1] } }
        var out: [(index: Int, squared: Float)] = []
        out.reserveCapacity(n)
        var products = [Float](repeating: 0, count: min(n, block) * k)
        var start = 0
        while start < n {
            let rows = min(block, n - start)
            let part = Array(x[start * q..<(start + rows) * q])
            DNNL.multiply(
                DNNL.Shape(m: rows, n: k, k: q, transposeA: false, transposeB: true, lda: q, ldb: q, ldc: k), part, c, into: &products)
            for r in 0..<rows {
                var own: Float = 0
                for j in 0..<q { own += part[r * q + j] * part[r * q + j] }
                var best = 0, bestDistance = Float.infinity
                for i in 0..<k {
                    let d = norms[i] - 2 * products[r * k + i]
                    if d < bestDistance {
                        best = i
                        bestDistance = d
                    }
                }
                out.append((best, max(bestDistance + own, 0)))
            }
            start += rows
        }
        return out
    }
}
