import CTrainingKernels

/// Training's elementwise passes in AVX-512 (`Sources/CTrainingKernels`), 16
/// floats at a time where the Swift loops (built for baseline x86-64) do 4.
/// Only on CPUs with native bf16, which all have AVX-512; elsewhere the callers
/// keep their Swift loops. Both give the same bits.
enum VectorKernels {
    /// True when the AVX-512 passes may run here.
    static let available = DNNL.hasNativeBF16

    /// `count` bytes → bf16 bits of byte/255.
    @inline(__always)
    static func bytesToBF16(_ s: UnsafePointer<UInt8>, count: Int, into d: UnsafeMutablePointer<UInt16>) {
        mcnd_bytes_to_bf16(s, count, d)
    }

    /// `count` bytes → byte/255 as Float.
    @inline(__always)
    static func bytesToF32(_ s: UnsafePointer<UInt8>, count: Int, into d: UnsafeMutablePointer<Float>) {
        mcnd_bytes_to_f32(s, count, d)
    }

    /// `count` floats → bf16 bits.
    @inline(__always)
    static func floatsToBF16(_ s: UnsafePointer<Float>, count: Int, into d: UnsafeMutablePointer<UInt16>) {
        mcnd_floats_to_bf16(s, count, d)
    }

    /// `d = d·a·(1 − a)` for `rows × units`, column sums added into `sums`, bf16 copy into `half` if given.
    @inline(__always)
    static func hiddenDelta(
        _ d: UnsafeMutablePointer<Float>, activations a: UnsafePointer<Float>, rows: Int, units: Int,
        sums: UnsafeMutablePointer<Float>, half: UnsafeMutablePointer<UInt16>?
    ) {
        mcnd_hidden_delta(d, a, rows, units, sums, half)
    }

    /// The update rules `update` knows.
    enum Rule {
        case sgd, sgdL1, nesterov
        var code: Int32 {
            switch self {
            case .sgd: Int32(MCND_SGD)
            case .sgdL1: Int32(MCND_SGD_L1)
            case .nesterov: Int32(MCND_NESTEROV)
            }
        }
    }

    /// One pass: `g` gets its `parts − 1` partials (`stride` apart) added, then
    /// `w` (and `v`) take the rule's step, then `half` (if any) W's bf16 copy.
    @inline(__always)
    static func update(
        _ w: UnsafeMutablePointer<Float>, gradient g: UnsafeMutablePointer<Float>, stride: Int, parts: Int,
        velocity v: UnsafeMutablePointer<Float>, count: Int, rule: Rule, learningRate lr: Float,
        momentum mu: Float, l1: Float, l2: Float, shrink: Float, half: UnsafeMutablePointer<UInt16>?
    ) {
        mcnd_update(w, g, stride, Int32(parts), v, count, rule.code, lr, mu, l1, l2, shrink, half)
    }
}
