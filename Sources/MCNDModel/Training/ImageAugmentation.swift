/// Random shifts (and optional horizontal flips) of training images, made
/// anew for every epoch from a seeded generator: the same seed gives the same
/// shifted rows, so the weights stay bit-identical per seed. Pixels moved in
/// from outside the image are 0, the normalized background. Key `train.augment`.
public struct ImageAugmentation: Sendable, Equatable, Codable {
    public var width: Int
    public var height: Int
    public var channels: Int
    /// A moved image moves by up to this many pixels in x and in y (`train.augment_shift`).
    public var maxShift: Int
    /// Share of the images moved each epoch: the others train as they are. A
    /// network without convolutions pays for every moved copy with capacity, so
    /// moving them all cost accuracy on centred items (README, "Augmentation").
    public var shiftShare: Double
    /// Half the images of every label are mirrored left to right (`train.augment_flip: on`).
    public var flip: Bool
    /// Per label index, whether half its images are mirrored: the labels whose
    /// examples look alike in a mirror (`mirrorSymmetricLabels`). Empty: none
    /// beyond `flip`.
    public var mirroredLabels: [Bool]
    /// Share of the images scaled about their centre each epoch (0: none; `ImageAugmentation+Scale`).
    public var scaleShare: Double = 0
    /// A scaled image grows or shrinks by up to this fraction.
    public var maxScale: Double = 0.1
    /// A scaled image also turns by up to this many degrees (0: none).
    public var maxRotation: Double = 0

    /// The share of images a shift moves unless told otherwise.
    public static let defaultShiftShare = 0.3

    public init(
        width: Int, height: Int, channels: Int, maxShift: Int = 1, shiftShare: Double = Self.defaultShiftShare,
        flip: Bool = false, mirroredLabels: [Bool] = []
    ) {
        self.width = width
        self.height = height
        self.channels = channels
        self.maxShift = maxShift
        self.shiftShare = shiftShare
        self.flip = flip
        self.mirroredLabels = mirroredLabels
    }

    /// Whether this changes any image at all.
    public var moves: Bool {
        maxShift > 0 || flip || mirroredLabels.contains(true) || (scaleShare > 0 && (maxScale > 0 || maxRotation > 0))
    }

    /// Whether images of `label` may be mirrored.
    func mirrors(_ label: Int32) -> Bool {
        flip || (Int(label) < mirroredLabels.count && mirroredLabels[Int(label)])
    }

    /// The rows moved, one random (dx, dy, moved, flip) per row; `labels` say
    /// which rows may be mirrored. Rows of other storage than pixels come back unchanged.
    public func apply(to rows: FeatureRows, labels: [Int32], generator: inout SeededGenerator) -> FeatureRows {
        guard case .pixels(let source) = rows.storage, rows.width == width * height * channels, moves else {
            return rows
        }
        let w = width, h = height, c = channels, span = UInt64(2 * maxShift + 1)
        var out = [UInt8](repeating: 0, count: source.count)
        source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for r in 0..<rows.count {
                    // Every row draws the same four numbers: a row's draws never depend on another's.
                    var dx = Int(generator.next() % span) - maxShift
                    var dy = Int(generator.next() % span) - maxShift
                    if generator.unit() >= shiftShare { (dx, dy) = (0, 0) }
                    let mirror = generator.next() & 1 == 1 && mirrors(labels[r])
                    let base = r * rows.width
                    // Three more draws per row only when scaling: without it, the stream is as before.
                    if scaleShare > 0, let scale = scaleFactor(&generator) {
                        scaleRow(src, dst, base: base, factor: scale.factor, radians: scale.radians, dx: dx, dy: dy, mirror: mirror)
                        continue
                    }
                    // Destination (x, y) reads source (x − dx, y − dy), mirrored first when asked.
                    for y in max(0, dy)..<min(h, h + dy) {
                        let sy = y - dy
                        if !mirror {
                            // A line moves whole: one copy (most rows are not moved at all).
                            let x0 = max(0, dx), span = (min(w, w + dx) - x0) * c
                            let d = base + (y * w + x0) * c, s = base + (sy * w + x0 - dx) * c
                            (dst.baseAddress! + d).update(from: src.baseAddress! + s, count: span)
                            continue
                        }
                        for x in max(0, dx)..<min(w, w + dx) {
                            let sx = w - 1 - (x - dx)
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
