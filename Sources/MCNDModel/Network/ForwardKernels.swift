import Glibc

/// The fused elementwise passes around the matrix products, shared by
/// training and prediction so both compute exactly the same function.
enum ForwardKernels {
    /// `a1 = sigmoid(x·W1 + b1)` for `rows` rows, bias and sigmoid fused into
    /// oneDNN's product. `x` and `w1` hold `element` values. (The seed clips z
    /// at -100 first; in f32 that changes nothing, since sigmoid(z) already
    /// rounds to 0 below z ≈ -88.7.)
    static func hidden(
        x: UnsafeRawPointer, rows: Int, inputs: Int, units: Int, element: DNNL.Element,
        w1: UnsafeRawPointer, b1: UnsafePointer<Float>, into a1: UnsafeMutablePointer<Float>
    ) throws(DNNLError) {
        try DNNL.product(hiddenShape(rows: rows, inputs: inputs, units: units, element: element), a: x, b: w1, c: a1, bias: b1)
    }

    static func hiddenShape(rows: Int, inputs: Int, units: Int, element: DNNL.Element) -> DNNL.Shape {
        DNNL.Shape(m: rows, n: units, k: inputs, lda: inputs, ldb: units, ldc: units, element: element, epilogue: .biasSigmoid)
    }

    /// `z2 = a1·W2` (bias not yet added), always f32: it is 1/78 of the work.
    static func logits(
        a1: UnsafePointer<Float>, rows: Int, units: Int, classes: Int,
        w2: UnsafePointer<Float>, into z2: UnsafeMutablePointer<Float>
    ) throws(DNNLError) {
        try DNNL.product(logitsShape(rows: rows, units: units, classes: classes), a: a1, b: w2, c: z2)
    }

    static func logitsShape(rows: Int, units: Int, classes: Int) -> DNNL.Shape {
        DNNL.Shape(m: rows, n: classes, k: units, lda: units, ldb: classes, ldc: classes)
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

    /// `values` as bf16 bits into `destination`.
    static func bf16(_ values: UnsafePointer<Float>, count: Int, into destination: UnsafeMutablePointer<UInt16>) {
        if VectorKernels.available { return VectorKernels.floatsToBF16(values, count: count, into: destination) }
        var i = 0
        while i < count {
            let bits = values[i].bitPattern
            destination[i] = UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits &>> 16) & 1)) &>> 16)
            i &+= 1
        }
    }
}
