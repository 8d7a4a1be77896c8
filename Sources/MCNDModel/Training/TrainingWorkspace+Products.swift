/// The products of a step, and of a validation pass, without the work around
/// them (`ProductFloor`): the same shapes, parts and primitives as `step` and
/// `MultiClassNetwork.evaluate`.
extension TrainingWorkspace {
    /// Values in the buffers the products read (never NaN or subnormal, which could slow them).
    func fillProductInputs() {
        if element == .bf16 {
            x.initializeMemory(as: UInt16.self, repeating: DNNL.bf16(0.5), count: batchRows * n)
            deltaHalf.initialize(repeating: DNNL.bf16(0.01), count: batchRows * h)
        } else {
            x.initializeMemory(as: Float.self, repeating: 0.5, count: batchRows * n)
        }
        a1.initialize(repeating: 0.5, count: batchRows * h)
        out.initialize(repeating: 0.01, count: batchRows * k)
        delta.initialize(repeating: 0.01, count: batchRows * h)
    }

    /// The five products of a step of `m` rows, each part's on its rows.
    func stepProducts(rows m: Int) throws(DNNLError) {
        let p = min(parts, m), size = element == .bf16 ? 2 : 4
        var failures = [DNNLError?](repeating: nil, count: p)
        failures.withUnsafeMutableBufferPointer { failures in
            crew.run { t in
                guard t < p else { return }
                let r0 = t * m / p, mt = (t + 1) * m / p - r0
                let x = self.x + r0 * n * size, a1 = self.a1 + r0 * h, out = self.out + r0 * k, delta = self.delta + r0 * h
                let deltaProduct = element == .bf16 ? UnsafeRawPointer(deltaHalf + r0 * h) : UnsafeRawPointer(delta)
                do throws(DNNLError) {
                    try ForwardKernels.hidden(
                        x: x, rows: mt, inputs: n, units: h, element: element, w1: w1Product, b1: b1.baseAddress!, into: a1)
                    try ForwardKernels.logits(a1: a1, rows: mt, units: h, classes: k, w2: w2.baseAddress!, into: out)
                    try DNNL.product(deltaShape(rows: mt), a: out, b: w2.baseAddress!, c: delta)
                    try DNNL.product(w1GradientShape(rows: mt), a: x, b: deltaProduct, c: g1 + t * n * h)
                    try DNNL.product(w2GradientShape(rows: mt), a: a1, b: out, c: g2 + t * h * k)
                } catch { failures[t] = error }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }

    /// The validation pass's products over `rows` rows: per part, chunks of
    /// up to `MultiClassNetwork.chunkRows` (padded as it pads them), x·W1 and a1·W2.
    func validationProducts(rows: Int) throws(DNNLError) {
        guard rows > 0 else { return }
        let p = max(1, min(parts, rows)), size = element == .bf16 ? 2 : 4
        var failures = [DNNLError?](repeating: nil, count: p)
        failures.withUnsafeMutableBufferPointer { failures in
            crew.run { t in
                guard t < p else { return }
                let count = (t + 1) * rows / p - t * rows / p
                let chunk = MultiClassNetwork.padded(min(MultiClassNetwork.chunkRows, max(count, 1)))
                let x = UnsafeMutableRawPointer.allocate(byteCount: chunk * n * size, alignment: 64)
                x.initializeMemory(as: UInt8.self, repeating: 0x3f, count: chunk * n * size)
                let a1 = UnsafeMutablePointer<Float>.allocate(capacity: chunk * h)
                let z2 = UnsafeMutablePointer<Float>.allocate(capacity: chunk * k)
                defer {
                    x.deallocate()
                    a1.deallocate()
                    z2.deallocate()
                }
                var done = 0
                do throws(DNNLError) {
                    while done < count {
                        let padded = MultiClassNetwork.padded(min(chunk, count - done))
                        try ForwardKernels.hidden(
                            x: x, rows: padded, inputs: n, units: h, element: element, w1: w1Product, b1: b1.baseAddress!, into: a1)
                        try ForwardKernels.logits(a1: a1, rows: padded, units: h, classes: k, w2: w2.baseAddress!, into: z2)
                        done += min(chunk, count - done)
                    }
                } catch { failures[t] = error }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }
}
