import Glibc

/// The fused elementwise passes around the sgemm calls, shared by training
/// and prediction so both compute exactly the same function.
enum ForwardKernels {
    /// `a1 = sigmoid(x·W1 + b1)` for `rows` rows; the seed clips z at -100.
    static func hidden(
        x: UnsafePointer<Float>, rows: Int, inputs: Int, units: Int,
        w1: UnsafePointer<Float>, b1: UnsafePointer<Float>, into a1: UnsafeMutablePointer<Float>
    ) {
        BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: units, k: inputs,
                  alpha: 1, a: x, lda: inputs, b: w1, ldb: units, beta: 0, c: a1, ldc: units)
        for r in 0..<rows {
            let row = a1 + r * units
            for j in 0..<units {
                let z = max(row[j] + b1[j], -100)
                row[j] = 1 / (1 + expf(-z))
            }
        }
    }

    /// `z2 = a1·W2` (bias not yet added).
    static func logits(
        a1: UnsafePointer<Float>, rows: Int, units: Int, classes: Int,
        w2: UnsafePointer<Float>, into z2: UnsafeMutablePointer<Float>
    ) {
        BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: classes, k: units,
                  alpha: 1, a: a1, lda: units, b: w2, ldb: classes, beta: 0, c: z2, ldc: classes)
    }

    /// In place: one row of `z2` (bias not yet added) becomes softmax(z2 + b2).
    /// Like the seed it clips at -100; unlike the seed it subtracts the row
    /// maximum first, which gives the same result without overflow.
    @inline(__always)
    static func softmaxRow(_ row: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, classes: Int) {
        var top = -Float.infinity
        for c in 0..<classes {
            let z = max(row[c] + bias[c], -100)
            row[c] = z
            top = max(top, z)
        }
        var sum: Float = 0
        for c in 0..<classes {
            let e = expf(row[c] - top)
            row[c] = e
            sum += e
        }
        let inverse = 1 / sum
        for c in 0..<classes { row[c] *= inverse }
    }

    /// The seed's per-sample cross-entropy, `-log(clip(p, 1e-10, 1-1e-10))`.
    @inline(__always)
    static func crossEntropy(_ p: Float) -> Double {
        -log(min(max(Double(p), 1e-10), 1 - 1e-10))
    }

    /// Index of the largest value (the first one on ties, like `np.argmax`).
    @inline(__always)
    static func argmax(_ row: UnsafePointer<Float>, count: Int) -> Int {
        var best = 0
        for c in 1..<max(count, 1) where row[c] > row[best] { best = c }
        return best
    }
}
