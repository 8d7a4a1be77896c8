/// The weights being trained and the scratch buffers of one minibatch step,
/// allocated once per run. A step runs on `parts` threads: each takes a slice
/// of the batch's rows for the forward pass, the error, δ1 and its partial
/// gradients (`xᵀ·δ1` and `a1ᵀ·err` over its own rows, which are still in
/// its cache, and partial bias sums), then a slice of the weight rows to add
/// the partial gradients and update. oneDNN runs single-threaded inside each part, so
/// the elementwise work is parallel too; partial sums are combined in a fixed
/// order, so results are bit-identical for a fixed `parts` and precision.
///
/// In bf16 the two large products (x·W1 and xᵀ·δ1) read bf16 copies of x, W1
/// and δ1 and accumulate in f32; W1 itself, its gradient and its update stay
/// f32, and the bf16 copy of W1 is refreshed by the pass that updates it.
final class TrainingWorkspace {
    let n: Int, h: Int, k: Int
    let parts: Int
    let batchRows: Int
    let crew: StepCrew
    let element: DNNL.Element
    let rule: ParameterUpdate
    /// f32 master weights and their Nesterov velocities (unused by SGD).
    let w1, b1, w2, b2: UnsafeMutableBufferPointer<Float>
    let v1, vb1, v2, vb2: UnsafeMutablePointer<Float>
    /// Per part: partial gradients of W1 (parts×n×h) and W2 (parts×h×k); then gradients of b1, b2.
    let g1, g2, gb1, gb2: UnsafeMutablePointer<Float>
    /// W1 as the large products read it: bf16 bits, or `w1` itself in f32.
    let w1Product: UnsafeRawPointer
    let w1Half: UnsafeMutablePointer<UInt16>
    /// Batch inputs (f32 or bf16 bits), hidden activations, output probabilities
    /// → scaled error, hidden deltas (f32, and their bf16 copy).
    let x: UnsafeMutableRawPointer
    let a1, out, delta: UnsafeMutablePointer<Float>
    let deltaHalf: UnsafeMutablePointer<UInt16>
    /// Per part: partial column sums of δ1 (parts×h) and of the error (parts×k), and cross-entropy.
    let b1Partial, b2Partial: UnsafeMutablePointer<Float>
    let lossPartial: UnsafeMutablePointer<Double>
    /// The batch's labels, gathered in batch order.
    let label: UnsafeMutablePointer<Int32>
    /// Per part: the oneDNN failure that ended its share of the step, if any.
    private var failures: [DNNLError?]

    init(weights: NetworkWeights, batchRows: Int, parts: Int, element: DNNL.Element, rule: ParameterUpdate) {
        n = weights.inputs
        h = weights.units
        k = weights.classes
        self.parts = max(1, parts)
        self.batchRows = batchRows
        self.element = element
        self.rule = rule
        crew = StepCrew(parts: self.parts)
        func copy(_ a: [Float]) -> UnsafeMutableBufferPointer<Float> {
            let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: a.count)
            _ = p.initialize(from: a)
            return p
        }
        func zeros(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
        w1 = copy(weights.w1)
        b1 = copy(weights.b1)
        w2 = copy(weights.w2)
        b2 = copy(weights.b2)
        v1 = zeros(n * h)
        vb1 = zeros(h)
        v2 = zeros(h * k)
        vb2 = zeros(k)
        g1 = zeros(self.parts * n * h)
        g2 = zeros(self.parts * h * k)
        gb1 = zeros(h)
        gb2 = zeros(k)
        let half = element == .bf16
        w1Half = .allocate(capacity: half ? n * h : 0)
        deltaHalf = .allocate(capacity: half ? batchRows * h : 0)
        if half { ForwardKernels.bf16(w1.baseAddress!, count: n * h, into: w1Half) }
        w1Product = half ? UnsafeRawPointer(w1Half) : UnsafeRawPointer(w1.baseAddress!)
        x = .allocate(byteCount: batchRows * n * (half ? 2 : 4), alignment: 64)
        a1 = .allocate(capacity: batchRows * h)
        out = .allocate(capacity: batchRows * k)
        delta = .allocate(capacity: batchRows * h)
        b1Partial = .allocate(capacity: self.parts * h)
        b2Partial = .allocate(capacity: self.parts * k)
        lossPartial = .allocate(capacity: self.parts)
        label = .allocate(capacity: batchRows)
        failures = Array(repeating: nil, count: self.parts)
    }

    deinit {
        crew.stop()
        for p in [w1, b1, w2, b2] { p.deallocate() }
        for p in [v1, vb1, v2, vb2, g1, g2, gb1, gb2, a1, out, delta, b1Partial, b2Partial] { p.deallocate() }
        w1Half.deallocate()
        deltaHalf.deallocate()
        x.deallocate()
        lossPartial.deallocate()
        label.deallocate()
    }

    func weights() -> NetworkWeights {
        NetworkWeights(
            inputs: n, units: h, classes: k,
            w1: Array(w1), b1: Array(b1), w2: Array(w2), b2: Array(b2))
    }

    /// Creates the oneDNN primitives of a full step's parts on this thread,
    /// before any helper runs: steps never wait for one, and when oneDNN cannot
    /// create them (no executable memory) the run fails here, once, instead
    /// of on every part at once — oneDNN 2.6 can crash when creations fail on
    /// two threads together.
    func prepare() throws(DNNLError) {
        let p = min(parts, batchRows)
        var shapes: [DNNL.Shape] = []
        for t in 0..<p {
            let rows = (t + 1) * batchRows / p - t * batchRows / p
            shapes += [
                ForwardKernels.hiddenShape(rows: rows, inputs: n, units: h, element: element),
                ForwardKernels.logitsShape(rows: rows, units: h, classes: k),
                deltaShape(rows: rows), w1GradientShape(rows: rows), w2GradientShape(rows: rows),
            ]
        }
        try DNNL.prepare(shapes)
    }

    /// err·W2ᵀ, the W1 gradient xᵀ·δ1 and the W2 gradient a1ᵀ·err of a part of `rows` rows.
    func deltaShape(rows: Int) -> DNNL.Shape {
        DNNL.Shape(m: rows, n: h, k: k, transposeB: true, lda: k, ldb: k, ldc: h)
    }
    func w1GradientShape(rows: Int) -> DNNL.Shape {
        DNNL.Shape(m: n, n: h, k: rows, transposeA: true, lda: n, ldb: h, ldc: h, element: element)
    }
    func w2GradientShape(rows: Int) -> DNNL.Shape {
        DNNL.Shape(m: h, n: k, k: rows, transposeA: true, lda: h, ldb: k, ldc: k)
    }

    /// One step on the rows `batch`; returns the batch's summed cross-entropy
    /// computed before the update, as the seed's `fit` does.
    func step(
        rows: FeatureRows, labels: [Int32], batch: UnsafeBufferPointer<Int>, learningRate lr: Float,
        momentum mu: Float
    ) throws(DNNLError) -> Double {
        let m = batch.count
        let p = min(parts, m)
        labels.withUnsafeBufferPointer { y in
            failures.withUnsafeMutableBufferPointer { failures in
                crew.run { t in
                    guard t < p else { return }
                    do throws(DNNLError) { try forward(part: t, of: p, rows: rows, labels: y, batch: batch) } catch { failures[t] = error }
                }
            }
        }
        // A part that failed left its gradients unfinished: no update from them.
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        crew.run { t in if t < p { update(part: t, of: p, batchRows: m, learningRate: lr, momentum: mu) } }
        var crossEntropy = 0.0
        for t in 0..<p { crossEntropy += lossPartial[t] }
        // The bias gradients: partial sums added in part order.
        gb1.update(repeating: 0, count: h)
        gb2.update(repeating: 0, count: k)
        for t in 0..<p {
            for j in 0..<h { gb1[j] += b1Partial[t * h + j] }
            for c in 0..<k { gb2[c] += b2Partial[t * k + c] }
        }
        rule.apply(b1.baseAddress!, gradient: gb1, velocity: vb1, count: h, learningRate: lr, momentum: mu, batchRows: m, penalized: false)
        rule.apply(b2.baseAddress!, gradient: gb2, velocity: vb2, count: k, learningRate: lr, momentum: mu, batchRows: m, penalized: false)
        return crossEntropy
    }

    /// Part `t` of `p`: its rows of W1 (and W2) get the sum of the partial
    /// gradients (in part order, into part 0's) and their update, and W1's bf16 copy.
    private func update(part t: Int, of p: Int, batchRows m: Int, learningRate lr: Float, momentum mu: Float) {
        let n0 = t * n / p, n1 = (t + 1) * n / p
        rule.apply(
            w1.baseAddress! + n0 * h, partials: g1 + n0 * h, stride: n * h, parts: p, velocity: v1 + n0 * h,
            count: (n1 - n0) * h, learningRate: lr, momentum: mu, batchRows: m,
            half: element == .bf16 ? w1Half + n0 * h : nil)
        let h0 = t * h / p, h1 = (t + 1) * h / p
        rule.apply(
            w2.baseAddress! + h0 * k, partials: g2 + h0 * k, stride: h * k, parts: p, velocity: v2 + h0 * k,
            count: (h1 - h0) * k, learningRate: lr, momentum: mu, batchRows: m, half: nil)
    }

    /// Part `t` of `p`: its rows of the forward pass, err = (a2 − y)/m and
    /// δ1 = err·W2ᵀ ⊙ a1 ⊙ (1 − a1) (with W2 before its update), and the
    /// partial column sums that become the bias gradients.
    private func forward(
        part t: Int, of p: Int, rows: FeatureRows, labels y: UnsafeBufferPointer<Int32>,
        batch: UnsafeBufferPointer<Int>
    ) throws(DNNLError) {
        let m = batch.count
        let r0 = t * m / p, r1 = (t + 1) * m / p, mt = r1 - r0
        let inverseM = 1 / Float(m)
        let size = element == .bf16 ? 2 : 4
        let x = self.x + r0 * n * size, a1 = self.a1 + r0 * h, out = self.out + r0 * k, delta = self.delta + r0 * h
        rows.gather(UnsafeBufferPointer(rebasing: batch[r0..<r1]), into: x, element: element)
        // The labels in random order too: loaded here, they arrive while the products run.
        let label = self.label + r0
        for r in 0..<mt { label[r] = y[batch[r0 + r]] }
        try ForwardKernels.hidden(
            x: x, rows: mt, inputs: n, units: h, element: element,
            w1: w1Product, b1: b1.baseAddress!, into: a1)
        try ForwardKernels.logits(a1: a1, rows: mt, units: h, classes: k, w2: w2.baseAddress!, into: out)

        let b2Sum = b2Partial + t * k
        b2Sum.update(repeating: 0, count: k)
        var crossEntropy = 0.0
        for r in 0..<mt {
            let row = out + r * k
            ForwardKernels.softmaxRow(row, bias: b2.baseAddress!, classes: k)
            let truth = Int(label[r])
            crossEntropy += ForwardKernels.crossEntropy(row[truth])
            row[truth] -= 1
            for c in 0..<k {
                let e = row[c] * inverseM
                row[c] = e
                b2Sum[c] += e
            }
        }
        lossPartial[t] = crossEntropy

        try DNNL.product(
            deltaShape(rows: mt),
            a: out, b: w2.baseAddress!, c: delta)
        let b1Sum = b1Partial + t * h
        b1Sum.update(repeating: 0, count: h)
        var deltaProduct = UnsafeRawPointer(delta)
        if element == .bf16 { deltaProduct = UnsafeRawPointer(deltaHalf + r0 * h) }
        if VectorKernels.available {
            VectorKernels.hiddenDelta(
                delta, activations: a1, rows: mt, units: h, sums: b1Sum,
                half: element == .bf16 ? deltaHalf + r0 * h : nil)
        } else {
            for r in 0..<mt {
                let d = delta + r * h, a = a1 + r * h
                for j in 0..<h {
                    let v = d[j] * a[j] * (1 - a[j])
                    d[j] = v
                    b1Sum[j] += v
                }
            }
            if element == .bf16 { ForwardKernels.bf16(delta, count: mt * h, into: deltaHalf + r0 * h) }
        }
        // This part's share of the gradients, over its own rows (dense transposed operands).
        try DNNL.product(
            w1GradientShape(rows: mt),
            a: x, b: deltaProduct, c: g1 + t * n * h)
        try DNNL.product(
            w2GradientShape(rows: mt),
            a: a1, b: out, c: g2 + t * h * k)
    }
}
