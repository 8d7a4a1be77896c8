import MCNDModel

/// What choosing an input shape needs to know of one image: its format as the
/// PNG stores it, and how much colour it shows once composited over the
/// background. An RGB file of gray content (a screenshot, a scan saved as
/// colour) shows none, so its colour kind alone would mislead.
public struct ImageLook: Sendable, Equatable {
    public let source: SourceFormat
    /// Mean over the pixels of max(R, G, B) − min(R, G, B), 0…255; 0 for gray kinds.
    public let chroma: Double

    public init(source: SourceFormat, chroma: Double) {
        self.source = source
        self.chroma = chroma
    }

    /// Decodes `bytes` once and measures it; alpha is composited over `background` first.
    public init(png bytes: [UInt8], background: NormalizationSpec.Color, limits: DecodeLimits) throws(ImageRejection) {
        let decoded = try PNGCodec.decodeWithHeader(bytes, limits: limits)
        source = decoded.header.source
        guard decoded.image.layout.hasColor || decoded.header.palette else {
            chroma = 0
            return
        }
        let flat = ImageNormalizer(spec: NormalizationSpec(channels: .rgb, background: background)).flattened(decoded.image)
        chroma = Self.meanChroma(flat.pixels)
    }

    /// `rgb`: interleaved R G B bytes.
    static func meanChroma(_ rgb: [UInt8]) -> Double {
        let n = rgb.count / 3
        guard n > 0 else { return 0 }
        var total = 0
        for i in 0..<n {
            let r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2]
            total += Int(max(r, g, b)) - Int(min(r, g, b))
        }
        return Double(total) / Double(n)
    }
}
