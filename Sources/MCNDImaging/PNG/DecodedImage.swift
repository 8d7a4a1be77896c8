import MCNDModel

/// How the samples of a `DecodedImage` are laid out, one byte each.
public enum PixelLayout: Int, Sendable, Equatable, CaseIterable {
    case gray = 1
    case grayAlpha = 2
    case rgb = 3
    case rgba = 4

    /// Bytes per pixel.
    public var channels: Int { rawValue }
    public var hasAlpha: Bool { self == .grayAlpha || self == .rgba }
    public var hasColor: Bool { self == .rgb || self == .rgba }
}

/// An 8-bit image in memory: rows top to bottom, pixels left to right,
/// channels interleaved, sample values exactly as encoded in the file (sRGB,
/// not linearized; alpha not premultiplied).
public struct DecodedImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let layout: PixelLayout
    /// `width * height * layout.channels` bytes.
    public let pixels: [UInt8]

    public init(width: Int, height: Int, layout: PixelLayout, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "an image has at least one pixel")
        precondition(pixels.count == width * height * layout.channels, "pixel count does not match the size")
        self.width = width
        self.height = height
        self.layout = layout
        self.pixels = pixels
    }

    /// The samples of pixel (`x`, `y`).
    public subscript(x: Int, y: Int) -> ArraySlice<UInt8> {
        let start = (y * width + x) * layout.channels
        return pixels[start..<start + layout.channels]
    }
}

/// What a PNG's header says, read without decoding any pixel.
public struct PNGHeader: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// The layout mcnd decodes this file to: gray sources stay gray, palette
    /// and RGB sources become RGB; an alpha channel or a tRNS chunk adds alpha.
    public let layout: PixelLayout
    /// Whether the file stores 16-bit samples (decoded to 8 bits).
    public let sixteenBit: Bool
    /// Whether the file is palette-based.
    public let palette: Bool
    /// The file's own format (its IHDR): what normalization does not keep.
    public let source: SourceFormat

    public init(width: Int, height: Int, layout: PixelLayout, sixteenBit: Bool, palette: Bool, source: SourceFormat? = nil) {
        self.width = width
        self.height = height
        self.layout = layout
        self.sixteenBit = sixteenBit
        self.palette = palette
        let kind: SourceFormat.ColorKind =
            palette ? .palette : layout.hasColor ? (layout.hasAlpha ? .rgba : .rgb) : (layout.hasAlpha ? .grayAlpha : .gray)
        self.source =
            source
            ?? SourceFormat(width: width, height: height, kind: kind, bitDepth: sixteenBit ? 16 : 8, transparent: layout.hasAlpha)
    }

    public var pixelCount: Int { width * height }
    /// Bytes of the buffer libpng decodes into: one byte per sample, two for
    /// 16-bit files (which mcnd reduces to 8 bits afterwards).
    public var decodedBytes: Int { width * height * layout.channels * (sixteenBit ? 2 : 1) }
}

/// Limits checked before any pixel buffer is allocated.
public struct DecodeLimits: Sendable, Equatable {
    /// Largest accepted input, in bytes [64 MiB]. Checked before libpng runs.
    public var maxInputBytes: Int
    /// Largest accepted width × height [50,000,000]. Checked after the header.
    public var maxPixels: Int
    /// Largest accepted decoded size in bytes [200,000,000 = 50 MP of RGBA].
    /// Checked after the header.
    public var maxDecodedBytes: Int

    public init(maxInputBytes: Int = 64 << 20, maxPixels: Int = 50_000_000, maxDecodedBytes: Int = 200_000_000) {
        self.maxInputBytes = maxInputBytes
        self.maxPixels = maxPixels
        self.maxDecodedBytes = maxDecodedBytes
    }

    public static let standard = DecodeLimits()

    /// The rejection for `header` under these limits, if any.
    public func check(_ header: PNGHeader) -> ImageRejection? {
        if header.pixelCount > maxPixels {
            return .tooLarge("\(header.width)×\(header.height) is \(header.pixelCount) pixels, over the limit of \(maxPixels)")
        }
        if header.decodedBytes > maxDecodedBytes {
            return .tooLarge(
                "\(header.width)×\(header.height) decodes to \(header.decodedBytes) bytes, over the limit of \(maxDecodedBytes)")
        }
        return nil
    }
}
