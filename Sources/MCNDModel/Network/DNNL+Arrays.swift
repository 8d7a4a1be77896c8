extension DNNL {
    /// `multiply` over whole arrays (row-major, as `shape` says), for the
    /// calibration's few products per batch: c = a · b (either transposed).
    static func multiply(_ shape: Shape, _ a: [Float], _ b: [Float], into c: inout [Float]) {
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in multiply(shape, a: ap.baseAddress!, b: bp.baseAddress!, c: cp.baseAddress!) }
            }
        }
    }
}
