/// The hidden activations and logits of a forward pass, `rows × units` and
/// `rows × classes`, row-major.
public struct NetworkActivations: Sendable {
    public var rows: Int
    public var units: Int
    public var classes: Int
    /// `a1 = sigmoid(x·W1 + b1)`.
    public var hidden: [Float]
    /// `z2 = a1·W2 + b2`, clipped at -100 as the softmax clips it, so that
    /// `softmax(logits)` is exactly `probabilities(rows)`.
    public var logits: [Float]
}

extension MultiClassNetwork {
    /// The forward pass keeping `a1` and `z2` (the review loop needs both:
    /// temperature scaling works on logits, the familiarity check on `a1`).
    public func activations(_ rows: FeatureRows) -> NetworkActivations { activations(rows, range: 0..<rows.count) }

    /// `body(firstRow, activations)` for consecutive blocks of at most
    /// `blockRows` rows, in row order: a pass over every training row that
    /// holds one block's `a1` (`units` floats a row) instead of the whole set's.
    /// The blocks start at multiples of `chunkRows`, so every row gets the
    /// same bits as from `activations(rows)`.
    public func forEachActivationBlock(_ rows: FeatureRows, _ body: (Int, NetworkActivations) -> Void) {
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + Self.blockRows)
            body(start, activations(rows, range: start..<end))
            start = end
        }
    }

    /// Rows per block of `forEachActivationBlock`: 6.5 MB of `a1` at 100 units.
    public static let blockRows = 16 * chunkRows

    /// The forward pass of the rows in `range`, `chunkRows` at a time from its start.
    func activations(_ rows: FeatureRows, range: Range<Int>) -> NetworkActivations {
        precondition(rows.width == weights.inputs, "rows have \(rows.width) features, the network takes \(weights.inputs)")
        let n = weights.inputs, h = weights.units, k = weights.classes
        var hidden = [Float](repeating: 0, count: range.count * h)
        var logits = [Float](repeating: 0, count: range.count * k)
        let chunk = min(Self.chunkRows, max(range.count, 1))
        let x = UnsafeMutablePointer<Float>.allocate(capacity: chunk * n)
        defer { x.deallocate() }
        weights.w1.withUnsafeBufferPointer { w1 in
            weights.b1.withUnsafeBufferPointer { b1 in
                weights.w2.withUnsafeBufferPointer { w2 in
                    hidden.withUnsafeMutableBufferPointer { a1 in
                        logits.withUnsafeMutableBufferPointer { z2 in
                            var done = 0
                            while done < range.count {
                                let m = min(chunk, range.count - done)
                                rows.copyRows(from: range.lowerBound + done, count: m, into: x)
                                let a = a1.baseAddress! + done * h, z = z2.baseAddress! + done * k
                                DNNL.orStop { () throws(DNNLError) in
                                    try ForwardKernels.hidden(
                                        x: x, rows: m, inputs: n, units: h, element: .f32, w1: w1.baseAddress!, b1: b1.baseAddress!, into: a
                                    )
                                    try ForwardKernels.logits(a1: a, rows: m, units: h, classes: k, w2: w2.baseAddress!, into: z)
                                }
                                for j in 0..<m * k { z[j] = max(z[j] + weights.b2[j % k], -100) }
                                done += m
                            }
                        }
                    }
                }
            }
        }
        return NetworkActivations(rows: range.count, units: h, classes: k, hidden: hidden, logits: logits)
    }
}
