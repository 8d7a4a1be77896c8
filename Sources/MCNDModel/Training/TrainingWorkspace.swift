/// The weights being trained and the scratch buffers of one minibatch step,
/// allocated once per run. A step runs on `parts` threads: each takes a slice
/// of the batch's rows for the forward pass, the error and δ1 (with its own
/// partial bias sums), then a slice of the weight rows for the update. BLAS
/// runs single-threaded inside each part, so the elementwise work is
/// parallel too; partial sums are combined in a fixed order, so results are
/// bit-identical for a fixed `parts`.
final class TrainingWorkspace {
    let n: Int, h: Int, k: Int
    let parts: Int
    let crew: StepCrew
    let w1, b1, w2, b2: UnsafeMutableBufferPointer<Float>
    /// Batch inputs, hidden activations, output probabilities → scaled error, hidden deltas.
    let x, a1, out, delta: UnsafeMutablePointer<Float>
    /// Per part: partial column sums of δ1 (parts×h) and of the error (parts×k), and cross-entropy.
    let b1Partial, b2Partial: UnsafeMutablePointer<Float>
    let lossPartial: UnsafeMutablePointer<Double>

    init(weights: NetworkWeights, batchRows: Int, parts: Int) {
        n = weights.inputs; h = weights.units; k = weights.classes
        self.parts = max(1, parts)
        crew = StepCrew(parts: self.parts)
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
        b1Partial = .allocate(capacity: self.parts * h)
        b2Partial = .allocate(capacity: self.parts * k)
        lossPartial = .allocate(capacity: self.parts)
    }

    deinit {
        crew.stop()
        for p in [w1, b1, w2, b2] { p.deallocate() }
        for p in [x, a1, out, delta, b1Partial, b2Partial] { p.deallocate() }
        lossPartial.deallocate()
    }

    func weights() -> NetworkWeights {
        NetworkWeights(inputs: n, units: h, classes: k,
                       w1: Array(w1), b1: Array(b1), w2: Array(w2), b2: Array(b2))
    }

    /// One SGD step on the rows `batch`; returns the batch's summed
    /// cross-entropy computed before the update, as the seed's `fit` does.
    func step(rows: FeatureRows, labels: [Int32], batch: UnsafeBufferPointer<Int>, learningRate lr: Float, penalty: Penalty) -> Double {
        let m = batch.count
        let p = min(parts, m)
        labels.withUnsafeBufferPointer { y in
            crew.run { t in if t < p { forward(part: t, of: p, rows: rows, labels: y, batch: batch) } }
        }
        // W2 -= lr·(a1ᵀ·err + penalty), W1 -= lr·(xᵀ·δ1 + penalty), each part its own weight rows.
        let beta = penalty.beta(learningRate: lr, batchRows: m)
        crew.run { t in
            guard t < p else { return }
            let n0 = t * n / p, n1 = (t + 1) * n / p
            penalty.applyL1(to: w1.baseAddress! + n0 * h, count: (n1 - n0) * h, learningRate: lr, batchRows: m)
            BLAS.gemm(transposeA: true, transposeB: false, m: n1 - n0, n: h, k: m,
                      alpha: -lr, a: x + n0, lda: n, b: delta, ldb: h, beta: beta, c: w1.baseAddress! + n0 * h, ldc: h)
            let h0 = t * h / p, h1 = (t + 1) * h / p
            penalty.applyL1(to: w2.baseAddress! + h0 * k, count: (h1 - h0) * k, learningRate: lr, batchRows: m)
            BLAS.gemm(transposeA: true, transposeB: false, m: h1 - h0, n: k, k: m,
                      alpha: -lr, a: a1 + h0, lda: h, b: out, ldb: k, beta: beta, c: w2.baseAddress! + h0 * k, ldc: k)
        }
        var crossEntropy = 0.0
        for t in 0..<p {
            crossEntropy += lossPartial[t]
            for j in 0..<h { b1[j] -= lr * b1Partial[t * h + j] }
            for c in 0..<k { b2[c] -= lr * b2Partial[t * k + c] }
        }
        return crossEntropy
    }

    /// Part `t` of `p`: its rows of the forward pass, err = (a2 − y)/m and
    /// δ1 = err·W2ᵀ ⊙ a1 ⊙ (1 − a1) (with W2 before its update), and the
    /// partial column sums that become the bias gradients.
    private func forward(part t: Int, of p: Int, rows: FeatureRows, labels y: UnsafeBufferPointer<Int32>, batch: UnsafeBufferPointer<Int>) {
        let m = batch.count
        let r0 = t * m / p, r1 = (t + 1) * m / p, mt = r1 - r0
        let inverseM = 1 / Float(m)
        let x = self.x + r0 * n, a1 = self.a1 + r0 * h, out = self.out + r0 * k, delta = self.delta + r0 * h
        rows.gather(UnsafeBufferPointer(rebasing: batch[r0 ..< r1]), into: x)
        ForwardKernels.hidden(x: x, rows: mt, inputs: n, units: h, w1: w1.baseAddress!, b1: b1.baseAddress!, into: a1)
        ForwardKernels.logits(a1: a1, rows: mt, units: h, classes: k, w2: w2.baseAddress!, into: out)

        let b2Sum = b2Partial + t * k
        b2Sum.update(repeating: 0, count: k)
        var crossEntropy = 0.0
        for r in 0..<mt {
            let row = out + r * k
            ForwardKernels.softmaxRow(row, bias: b2.baseAddress!, classes: k)
            let label = Int(y[batch[r0 + r]])
            crossEntropy += ForwardKernels.crossEntropy(row[label])
            row[label] -= 1
            for c in 0..<k {
                let e = row[c] * inverseM
                row[c] = e
                b2Sum[c] += e
            }
        }
        lossPartial[t] = crossEntropy

        BLAS.gemm(transposeA: false, transposeB: true, m: mt, n: h, k: k,
                  alpha: 1, a: out, lda: k, b: w2.baseAddress!, ldb: k, beta: 0, c: delta, ldc: h)
        let b1Sum = b1Partial + t * h
        b1Sum.update(repeating: 0, count: h)
        for r in 0..<mt {
            let d = delta + r * h, a = a1 + r * h
            for j in 0..<h {
                let v = d[j] * a[j] * (1 - a[j])
                d[j] = v
                b1Sum[j] += v
            }
        }
    }
}
