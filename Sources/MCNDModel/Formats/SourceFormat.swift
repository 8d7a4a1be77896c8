/// An input image's format as its PNG stores it, before normalization throws
/// it away: size, colour kind, bit depth, transparency. Read from the header
/// the decoder parses anyway; recorded per example and with each model
/// (`TrainingFormats`), so that a request unlike the training images in
/// format is unfamiliar even when its pixels, once normalized, are not.
public struct SourceFormat: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The PNG colour type, by the names people know them by (strings written to JSON and the state).
    public enum ColorKind: String, Sendable, Codable, CaseIterable {
        case gray
        case grayAlpha = "gray+alpha"
        case palette
        case rgb = "RGB"
        case rgba = "RGBA"

        /// The IHDR colour type's kind; nil for a value PNG does not define.
        public init?(pngColorType: UInt8) {
            switch pngColorType {
            case 0: self = .gray
            case 2: self = .rgb
            case 3: self = .palette
            case 4: self = .grayAlpha
            case 6: self = .rgba
            default: return nil
            }
        }

        public var hasAlphaChannel: Bool { self == .grayAlpha || self == .rgba }
        /// Position in `allCases`: lists of kinds are written in this order.
        var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    }

    public var width: Int
    public var height: Int
    public var kind: ColorKind
    /// Bits per sample (per palette index for `palette`): 1, 2, 4, 8 or 16.
    public var bitDepth: Int
    /// An alpha channel, or a tRNS chunk (a transparent colour or palette entries).
    public var transparent: Bool

    public init(width: Int, height: Int, kind: ColorKind, bitDepth: Int, transparent: Bool) {
        self.width = width
        self.height = height
        self.kind = kind
        self.bitDepth = bitDepth
        self.transparent = transparent
    }

    /// "32×32 RGBA, 8-bit"; "with transparency" only where the kind has no alpha channel.
    public var description: String {
        let alpha = transparent && !kind.hasAlphaChannel ? " with transparency" : ""
        return "\(width)×\(height) \(kind.rawValue)\(alpha), \(bitDepth)-bit"
    }

    /// The `examples.source_format` column: "28x28 gray 8 0".
    public var key: String { "\(width)x\(height) \(kind.rawValue) \(bitDepth) \(transparent ? 1 : 0)" }

    public init?(key: String) {
        let parts = key.split(separator: " ")
        let size = parts.first?.split(separator: "x") ?? []
        guard parts.count == 4, size.count == 2, let w = Int(size[0]), let h = Int(size[1]),
            let kind = ColorKind(rawValue: String(parts[1])), let depth = Int(parts[2])
        else { return nil }
        self.init(width: w, height: h, kind: kind, bitDepth: depth, transparent: parts[3] == "1")
    }
}
