/// The weights being trained and the scratch buffers of one minibatch step,
/// allocated once per run.
final class TrainingWorkspace {
    let n: Int, h: Int, k: Int
    let w1, b1, w2, b2: UnsafeMutableBufferPointer<Float>
    /// Batch inputs, hidden activations, output probabilities → scaled error, hidden deltas.
    let x, a1, out, delta: UnsafeMutablePointer<Float>
    let b1Gradient, b2Gradient: UnsafeMutablePointer<Float>

    init(weights: NetworkWeights, batchRows: Int) {
        n = weights.inputs; h = weights.units; k = weights.classes
        func copy(_ a: [Float]) -> UnsafeMutableBufferPointer<Float> {
            let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: a.count)
            _ = p.initialize(from: a)
            return p
        }
        w1 = copy(weights.w1); b1 = copy(weights.b1); w2 = copy(weights.w2); b2 = copy(weights.b2)
        x = .allocate(capacity: batchRows * n)
        a1 = .allocate(capacity: batchRows * h)
        out = .allocate(capacity: batchRows * k)
        delta = .allocate(capacity: batchRows * h)
        b1Gradient = .allocate(capacity: h)
        b2Gradient = .allocate(capacity: k)
    }

    deinit {
        for p in [w1, b1, w2, b2] { p.deallocate() }
        for p in [x, a1, out, delta, b1Gradient, b2Gradient] { p.deallocate() }
    }

    func weights() -> NetworkWeights {
        NetworkWeights(inputs: n, units: h, classes: k,
                       w1: Array(w1), b1: Array(b1), w2: Array(w2), b2: Array(b2))
    }

    /// One SGD step on the rows `batch`; returns the batch's summed
    /// cross-entropy computed before the update, as the seed's `fit` does.
    func step(rows: FeatureRows, labels: [Int32], batch: UnsafeBufferPointer<Int>, learningRate lr: Float, penalty: Penalty) -> Double {
        let m = batch.count
        let inverseM = 1 / Float(m)
        rows.gather(batch, into: x)
        ForwardKernels.hidden(x: x, rows: m, inputs: n, units: h, w1: w1.baseAddress!, b1: b1.baseAddress!, into: a1)
        ForwardKernels.logits(a1: a1, rows: m, units: h, classes: k, w2: w2.baseAddress!, into: out)

        // Softmax, loss, err = (a2 - y)/m and its column sums, in one pass.
        var crossEntropy = 0.0
        b2Gradient.update(repeating: 0, count: k)
        labels.withUnsafeBufferPointer { y in
            for r in 0..<m {
                let row = out + r * k
                ForwardKernels.softmaxRow(row, bias: b2.baseAddress!, classes: k)
                let label = Int(y[batch[r]])
                crossEntropy += ForwardKernels.crossEntropy(row[label])
                row[label] -= 1
                for c in 0..<k {
                    let e = row[c] * inverseM
                    row[c] = e
                    b2Gradient[c] += e
                }
            }
        }

        // δ1 = err·W2ᵀ ⊙ a1 ⊙ (1 - a1), with W2 before its update, and its column sums.
        BLAS.gemm(transposeA: false, transposeB: true, m: m, n: h, k: k,
                  alpha: 1, a: out, lda: k, b: w2.baseAddress!, ldb: k, beta: 0, c: delta, ldc: h)
        b1Gradient.update(repeating: 0, count: h)
        for r in 0..<m {
            let d = delta + r * h, a = a1 + r * h
            for j in 0..<h {
                let v = d[j] * a[j] * (1 - a[j])
                d[j] = v
                b1Gradient[j] += v
            }
        }

        // W2 -= lr·(a1ᵀ·err + penalty), W1 -= lr·(xᵀ·δ1 + penalty).
        penalty.applyL1(to: w2.baseAddress!, count: w2.count, learningRate: lr, batchRows: m)
        BLAS.gemm(transposeA: true, transposeB: false, m: h, n: k, k: m,
                  alpha: -lr, a: a1, lda: h, b: out, ldb: k,
                  beta: penalty.beta(learningRate: lr, batchRows: m), c: w2.baseAddress!, ldc: k)
        penalty.applyL1(to: w1.baseAddress!, count: w1.count, learningRate: lr, batchRows: m)
        BLAS.gemm(transposeA: true, transposeB: false, m: n, n: h, k: m,
                  alpha: -lr, a: x, lda: n, b: delta, ldb: h,
                  beta: penalty.beta(learningRate: lr, batchRows: m), c: w1.baseAddress!, ldc: h)
        for j in 0..<h { b1[j] -= lr * b1Gradient[j] }
        for c in 0..<k { b2[c] -= lr * b2Gradient[c] }
        return crossEntropy
    }
}
