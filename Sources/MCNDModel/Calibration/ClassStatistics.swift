/// Per class, the sum and count of the training rows' `a1`, and the tied
/// within-class scatter `Σ_r (a_r − μ_y)(a_r − μ_y)ᵀ`, in one pass over the
/// blocks of `HiddenRows`: each block's rows are centred on the block's own
/// class means and their scatter is one matrix product; blocks are merged by
/// Chan et al.'s update (`+ n_a·n_b/(n_a+n_b)·δδᵀ` per class, `δ` the
/// difference of the two means), which stays exact where `E[aaᵀ] − μμᵀ` would
/// cancel (saturated units vary by little around a large mean).
struct ClassStatistics {
    let units: Int
    /// `classes × units` sums, added in row order.
    private(set) var sums: [[Double]]
    private(set) var counts: [Int]
    /// `units × units`, symmetric.
    private(set) var scatter: [Double]

    /// Rows whose label is not below `classes` are left out.
    init(rows: HiddenRows, labels: [Int32], classes: Int) {
        let h = rows.units
        units = h
        sums = [[Double]](repeating: [Double](repeating: 0, count: h), count: classes)
        counts = [Int](repeating: 0, count: classes)
        scatter = [Double](repeating: 0, count: h * h)
        var centred: [Float] = [], product = [Float](repeating: 0, count: h * h)
        rows.forEachBlock { start, hidden in
            let m = hidden.count / max(h, 1)
            guard m > 0 else { return }
            let before = (sums: sums, counts: counts)
            var blockSums = [[Double]](repeating: [Double](repeating: 0, count: h), count: classes)
            var blockCounts = [Int](repeating: 0, count: classes)
            for r in 0..<m where Int(labels[start + r]) < classes {
                let y = Int(labels[start + r])
                blockCounts[y] += 1
                counts[y] += 1
                for j in 0..<h {
                    let v = Double(hidden[r * h + j])
                    blockSums[y][j] += v
                    sums[y][j] += v
                }
            }
            let blockMeans = (0..<classes).map { c in blockCounts[c] == 0 ? [] : blockSums[c].map { $0 / Double(blockCounts[c]) } }
            if centred.count < m * h { centred = [Float](repeating: 0, count: m * h) }
            for r in 0..<m {
                let y = Int(labels[start + r])
                for j in 0..<h { centred[r * h + j] = y < classes ? Float(Double(hidden[r * h + j]) - blockMeans[y][j]) : 0 }
            }
            // DᵀD (units × units) over the block's rows.
            DNNL.multiply(
                DNNL.Shape(m: h, n: h, k: m, transposeA: true, lda: h, ldb: h, ldc: h), centred, centred, into: &product)
            for i in 0..<h * h { scatter[i] += Double(product[i]) }
            for c in 0..<classes where blockCounts[c] > 0 && before.counts[c] > 0 {
                let na = Double(before.counts[c]), nb = Double(blockCounts[c])
                let f = na * nb / (na + nb)
                let delta = (0..<h).map { blockMeans[c][$0] - before.sums[c][$0] / na }
                for i in 0..<h where delta[i] != 0 {
                    for j in 0..<h { scatter[i * h + j] += f * delta[i] * delta[j] }
                }
            }
        }
    }

    /// Each class's mean row; empty for a class without rows.
    var means: [[Double]] { (0..<counts.count).map { c in counts[c] == 0 ? [] : sums[c].map { $0 / Double(counts[c]) } } }
}
