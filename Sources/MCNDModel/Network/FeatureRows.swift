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

    /// Writes rows `indices[range]` as Float32 into `destination`, row after row.
    func gather(_ indices: UnsafeBufferPointer<Int>, into destination: UnsafeMutablePointer<Float>) {
        let w = width
        switch storage {
        case .pixels(let p):
            p.withUnsafeBufferPointer { src in
                for (r, i) in indices.enumerated() {
                    let s = src.baseAddress! + i * w
                    let d = destination + r * w
                    for j in 0..<w { d[j] = Float(s[j]) / 255 }
                }
            }
        case .values(let v):
            v.withUnsafeBufferPointer { src in
                for (r, i) in indices.enumerated() {
                    (destination + r * w).update(from: src.baseAddress! + i * w, count: w)
                }
            }
        }
    }

    /// Writes the contiguous rows `start..<start+n` as Float32 into `destination`.
    func copyRows(from start: Int, count n: Int, into destination: UnsafeMutablePointer<Float>) {
        let w = width
        switch storage {
        case .pixels(let p):
            p.withUnsafeBufferPointer { src in
                let s = src.baseAddress! + start * w
                for j in 0..<(n * w) { destination[j] = Float(s[j]) / 255 }
            }
        case .values(let v):
            v.withUnsafeBufferPointer { src in
                destination.update(from: src.baseAddress! + start * w, count: n * w)
            }
        }
    }
}
