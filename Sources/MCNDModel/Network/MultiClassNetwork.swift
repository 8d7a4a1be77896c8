import MCNDThreads

/// The book's MultiClassNetwork at inference: sigmoid hidden layer, softmax
/// output. A value type, so a serving copy never sees a half-updated model.
public struct MultiClassNetwork: Sendable, Equatable {
    public var weights: NetworkWeights

    /// Rows per product when predicting; bounds the scratch memory.
    static let chunkRows = 1024

    public init(weights: NetworkWeights) {
        self.weights = weights
    }

    public var inputs: Int { weights.inputs }
    public var classes: Int { weights.classes }

    /// Class probabilities, `rows.count × classes`, row-major.
    public func probabilities(_ rows: FeatureRows) -> [Float] {
        precondition(rows.width == weights.inputs, "rows have \(rows.width) features, the network takes \(weights.inputs)")
        var out = [Float](repeating: 0, count: rows.count * weights.classes)
        DNNL.orStop { () throws(DNNLError) in
            try forEachChunk(rows) { start, n, probabilities in
                out.withUnsafeMutableBufferPointer { o in
                    (o.baseAddress! + start * weights.classes).update(from: probabilities, count: n * weights.classes)
                }
            }
        }
        return out
    }

    /// The predicted class of each row (argmax).
    public func predict(_ rows: FeatureRows) -> [Int] {
        let p = probabilities(rows)
        let k = weights.classes
        return p.withUnsafeBufferPointer { buffer in
            (0..<rows.count).map { ForwardKernels.argmax(buffer.baseAddress! + $0 * k, count: k) }
        }
    }

    /// Mean cross-entropy plus the l1/l2 penalty per sample (the seed's
    /// `update_val_loss`) and accuracy (the seed's `score`), the rows split
    /// over `parts` threads (partial sums added in a fixed order).
    public func evaluate(
        _ rows: FeatureRows, labels: [Int32], l1: Float = 0, l2: Float = 0, parts: Int = 1
    ) -> (loss: Double, accuracy: Double) {
        DNNL.orStop { () throws(DNNLError) in
            try evaluate(rows, labels: labels, l1: l1, l2: l2, parts: parts, runner: ParallelParts.forEach)
        }
    }

    /// `runner(count, body)` runs `body(part)` for `part` in `0..<count`.
    func evaluate(
        _ rows: FeatureRows, labels: [Int32], l1: Float, l2: Float, parts: Int, element: DNNL.Element = .f32,
        runner: (Int, (Int) -> Void) -> Void
    ) throws(DNNLError) -> (loss: Double, accuracy: Double) {
        precondition(labels.count == rows.count, "one label per row")
        guard rows.count > 0 else { return (0, 0) }
        let p = max(1, min(parts, rows.count))
        let k = weights.classes
        var sums = [(crossEntropy: Double, correct: Int)](repeating: (0, 0), count: p)
        var failures = [DNNLError?](repeating: nil, count: p)
        labels.withUnsafeBufferPointer { y in
            failures.withUnsafeMutableBufferPointer { failures in
                sums.withUnsafeMutableBufferPointer { sums in
                    runner(p) { t in
                        guard t < p else { return }
                        var crossEntropy = 0.0, correct = 0
                        do throws(DNNLError) {
                            try forEachChunk(rows, range: t * rows.count / p..<(t + 1) * rows.count / p, element: element) {
                                start, n, probabilities in
                                for r in 0..<n {
                                    let row = probabilities + r * k
                                    let label = Int(y[start + r])
                                    crossEntropy += ForwardKernels.crossEntropy(row[label])
                                    if ForwardKernels.argmax(row, count: k) == label { correct += 1 }
                                }
                            }
                        } catch { failures[t] = error }
                        sums[t] = (crossEntropy, correct)
                    }
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        let crossEntropy = sums.reduce(0) { $0 + $1.crossEntropy }
        let correct = sums.reduce(0) { $0 + $1.correct }
        let loss = (crossEntropy + Penalty(l1: l1, l2: l2).loss(weights)) / Double(rows.count)
        return (loss, Double(correct) / Double(rows.count))
    }

    /// Runs the forward pass chunk by chunk, handing each chunk's probabilities
    /// to `body(firstRow, rowCount, probabilities)`. Each product runs on a
    /// row count rounded up to `rowStep`, so a few primitives serve any batch
    /// size; the extra rows hold zeros or earlier rows and are never read.
    func forEachChunk(
        _ rows: FeatureRows, range: Range<Int>? = nil, element: DNNL.Element = .f32,
        _ body: (Int, Int, UnsafePointer<Float>) -> Void
    ) throws(DNNLError) {
        let n = weights.inputs, h = weights.units, k = weights.classes
        let range = range ?? 0..<rows.count
        let chunk = Self.padded(min(Self.chunkRows, max(range.count, 1)))
        let size = element == .bf16 ? 2 : 4
        let x = UnsafeMutableRawPointer.allocate(byteCount: chunk * n * size, alignment: 64)
        x.initializeMemory(as: UInt8.self, repeating: 0, count: chunk * n * size)
        let a1 = UnsafeMutablePointer<Float>.allocate(capacity: chunk * h)
        let z2 = UnsafeMutablePointer<Float>.allocate(capacity: chunk * k)
        let w1Half = UnsafeMutablePointer<UInt16>.allocate(capacity: element == .bf16 ? n * h : 0)
        defer {
            x.deallocate()
            a1.deallocate()
            z2.deallocate()
            w1Half.deallocate()
        }
        try weights.w1.withUnsafeBufferPointer { w1 throws(DNNLError) in
            try weights.b1.withUnsafeBufferPointer { b1 throws(DNNLError) in
                try weights.w2.withUnsafeBufferPointer { w2 throws(DNNLError) in
                    try weights.b2.withUnsafeBufferPointer { b2 throws(DNNLError) in
                        var w1Data = UnsafeRawPointer(w1.baseAddress!)
                        if element == .bf16 {
                            ForwardKernels.bf16(w1.baseAddress!, count: n * h, into: w1Half)
                            w1Data = UnsafeRawPointer(w1Half)
                        }
                        var start = range.lowerBound
                        while start < range.upperBound {
                            let m = min(chunk, range.upperBound - start), padded = Self.padded(m)
                            rows.copyRows(from: start, count: m, into: x, element: element)
                            try ForwardKernels.hidden(
                                x: x, rows: padded, inputs: n, units: h, element: element,
                                w1: w1Data, b1: b1.baseAddress!, into: a1)
                            try ForwardKernels.logits(a1: a1, rows: padded, units: h, classes: k, w2: w2.baseAddress!, into: z2)
                            for r in 0..<m { ForwardKernels.softmaxRow(z2 + r * k, bias: b2.baseAddress!, classes: k) }
                            body(start, m, z2)
                            start += m
                        }
                    }
                }
            }
        }
    }

    /// Rows of a product: exact up to 16 (a single image stays one row), then
    /// whole multiples of 16 up to `chunkRows` — at most 79 shapes in all.
    static func padded(_ rows: Int) -> Int { rows <= 16 ? max(rows, 1) : min(chunkRows, (rows + 15) / 16 * 16) }
}

extension MultiClassNetwork {
    /// oneDNN primitives kept idle for reuse, over all shapes; bounded (see IdlePool).
    public static var idleKernels: Int { DNNL.idlePrimitives }
    public static var idleKernelCapacity: Int { DNNL.primitiveCapacity }
}
