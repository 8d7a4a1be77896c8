/// Input rows for the network: one row per sample, `width` features each.
/// Pixels are kept as bytes (a quarter of the memory of Float32) and scaled by
/// 1/255 only when a batch is gathered, which is also where the book divides.
public struct FeatureRows: Sendable {
    public enum Storage: Sendable {
        /// Values 0…255, read as `value / 255`.
        case pixels([UInt8])
        /// Values used as they are.
        case values([Float])
    }

    public let count: Int
    public let width: Int
    public let storage: Storage

    public init(pixels: [UInt8], width: Int) {
        precondition(width > 0 && pixels.count % width == 0, "pixel count is not a multiple of the row width")
        self.count = pixels.count / width
        self.width = width
        self.storage = .pixels(pixels)
    }

    public init(values: [Float], width: Int) {
        precondition(width > 0 && values.count % width == 0, "value count is not a multiple of the row width")
        self.count = values.count / width
        self.width = width
        self.storage = .values(values)
    }

    /// The rows at `indices`, in that order, as a new set (used for splits).
    public func subset(_ indices: some Sequence<Int>) -> FeatureRows {
        switch storage {
        case .pixels(let p):
            var out: [UInt8] = []
            for i in indices { out.append(contentsOf: p[i * width ..< (i + 1) * width]) }
            return FeatureRows(pixels: out, width: width)
        case .values(let v):
            var out: [Float] = []
            for i in indices { out.append(contentsOf: v[i * width ..< (i + 1) * width]) }
            return FeatureRows(values: out, width: width)
        }
    }

    /// Writes rows `indices` as Float32 (or bf16 bits) into `destination`, row after row.
    func gather(_ indices: UnsafeBufferPointer<Int>, into destination: UnsafeMutableRawPointer, element: DNNL.Element) {
        for (r, i) in indices.enumerated() { copyRows(from: i, count: 1, into: destination, at: r, element: element) }
    }

    /// Writes the contiguous rows `start..<start+n` as Float32 (or bf16 bits)
    /// into `destination`, starting at its row `at`.
    func copyRows(from start: Int, count n: Int, into destination: UnsafeMutableRawPointer, at row: Int = 0,
                  element: DNNL.Element = .f32) {
        let w = width, count = n * w
        switch (storage, element) {
        case (.pixels(let p), .f32):
            let d = destination.assumingMemoryBound(to: Float.self) + row * w
            p.withUnsafeBufferPointer { src in
                let s = src.baseAddress! + start * w
                for j in 0..<count { d[j] = Float(s[j]) / 255 }
            }
        case (.pixels(let p), .bf16):
            let d = destination.assumingMemoryBound(to: UInt16.self) + row * w
            p.withUnsafeBufferPointer { src in
                let s = src.baseAddress! + start * w
                for j in 0..<count { d[j] = DNNL.bf16(Float(s[j]) / 255) }
            }
        case (.values(let v), .f32):
            let d = destination.assumingMemoryBound(to: Float.self) + row * w
            v.withUnsafeBufferPointer { src in d.update(from: src.baseAddress! + start * w, count: count) }
        case (.values(let v), .bf16):
            let d = destination.assumingMemoryBound(to: UInt16.self) + row * w
            v.withUnsafeBufferPointer { src in ForwardKernels.bf16(src.baseAddress! + start * w, count: count, into: d) }
        }
    }
}
