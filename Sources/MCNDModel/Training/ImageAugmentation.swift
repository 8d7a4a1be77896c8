/// Random shifts (and optional horizontal flips) of training images, made
/// anew for every epoch from a seeded generator: the same seed gives the same
/// shifted rows, so the weights stay bit-identical per seed. Pixels moved in
/// from outside the image are 0, the normalized background. Key `train.augment`.
public struct ImageAugmentation: Sendable, Equatable, Codable {
    public var width: Int
    public var height: Int
    public var channels: Int
    /// Each image moves by up to this many pixels in x and in y (`train.augment_shift`).
    public var maxShift: Int
    /// Half the images are mirrored left to right (`train.augment_flip`); off by
    /// default, since a mirrored digit or letter is another symbol.
    public var flip: Bool

    public init(width: Int, height: Int, channels: Int, maxShift: Int = 2, flip: Bool = false) {
        self.width = width
        self.height = height
        self.channels = channels
        self.maxShift = maxShift
        self.flip = flip
    }

    /// The rows moved, one random (dx, dy, flip) per row. Rows of other
    /// storage than pixels come back unchanged.
    public func apply(to rows: FeatureRows, generator: inout SeededGenerator) -> FeatureRows {
        guard case .pixels(let source) = rows.storage, rows.width == width * height * channels, maxShift > 0 || flip else {
            return rows
        }
        let w = width, h = height, c = channels, span = UInt64(2 * maxShift + 1)
        var out = [UInt8](repeating: 0, count: source.count)
        source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for r in 0..<rows.count {
                    let dx = Int(generator.next() % span) - maxShift
                    let dy = Int(generator.next() % span) - maxShift
                    let mirror = flip && generator.next() & 1 == 1
                    let base = r * rows.width
                    // Destination (x, y) reads source (x − dx, y − dy), mirrored first when asked.
                    for y in max(0, dy)..<min(h, h + dy) {
                        let sy = y - dy
                        for x in max(0, dx)..<min(w, w + dx) {
                            let sx0 = x - dx
                            let sx = mirror ? w - 1 - sx0 : sx0
                            let d = base + (y * w + x) * c, s = base + (sy * w + sx) * c
                            for k in 0..<c { dst[d + k] = src[s + k] }
                        }
                    }
                }
            }
        }
        return FeatureRows(pixels: out, width: rows.width)
    }
}
