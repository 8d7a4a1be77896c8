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
    public func activations(_ rows: FeatureRows) -> NetworkActivations {
        precondition(rows.width == weights.inputs, "rows have \(rows.width) features, the network takes \(weights.inputs)")
        let n = weights.inputs, h = weights.units, k = weights.classes
        var hidden = [Float](repeating: 0, count: rows.count * h)
        var logits = [Float](repeating: 0, count: rows.count * k)
        let chunk = min(Self.chunkRows, max(rows.count, 1))
        let x = UnsafeMutablePointer<Float>.allocate(capacity: chunk * n)
        defer { x.deallocate() }
        weights.w1.withUnsafeBufferPointer { w1 in
            weights.b1.withUnsafeBufferPointer { b1 in
                weights.w2.withUnsafeBufferPointer { w2 in
                    hidden.withUnsafeMutableBufferPointer { a1 in
                        logits.withUnsafeMutableBufferPointer { z2 in
                            var start = 0
                            while start < rows.count {
                                let m = min(chunk, rows.count - start)
                                rows.copyRows(from: start, count: m, into: x)
                                let a = a1.baseAddress! + start * h, z = z2.baseAddress! + start * k
                                DNNL.orStop { () throws(DNNLError) in
                                    try ForwardKernels.hidden(
                                        x: x, rows: m, inputs: n, units: h, element: .f32, w1: w1.baseAddress!, b1: b1.baseAddress!, into: a
                                    )
                                    try ForwardKernels.logits(a1: a, rows: m, units: h, classes: k, w2: w2.baseAddress!, into: z)
                                }
                                for j in 0..<m * k { z[j] = max(z[j] + weights.b2[j % k], -100) }
                                start += m
                            }
                        }
                    }
                }
            }
        }
        return NetworkActivations(rows: rows.count, units: h, classes: k, hidden: hidden, logits: logits)
    }
}
