/// How an image becomes the network's input. Defaults (Fashion-MNIST's shape):
/// 28×28, gray, composited over black, stretched, not inverted.
public struct NormalizationSpec: Sendable, Equatable, Hashable {
    /// Output channels.
    public enum Channels: String, Sendable, CaseIterable {
        /// One Rec.601 luma byte per pixel (Pillow's `convert("L")`).
        case gray
        /// Three bytes per pixel, R G B interleaved.
        case rgb

        public var count: Int { self == .gray ? 1 : 3 }
    }

    /// How the image's aspect ratio meets the output's.
    public enum Aspect: String, Sendable, CaseIterable {
        /// Scale each axis independently to fill W×H (what Keras does).
        case stretch
        /// Scale to fit inside W×H keeping the aspect ratio, centred, the rest
        /// filled with the background colour (letterbox).
        case fit
        /// Scale to cover W×H keeping the aspect ratio, centred, the overflow
        /// cut off.
        case crop
    }

    /// An opaque sRGB colour, as stored in files.
    public struct Color: Sendable, Equatable, Hashable, CustomStringConvertible {
        public var red: UInt8
        public var green: UInt8
        public var blue: UInt8

        public init(red: UInt8, green: UInt8, blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }

        public init(gray: UInt8) { self.init(red: gray, green: gray, blue: gray) }

        public static let black = Color(gray: 0)
        public static let white = Color(gray: 255)

        /// Parses `black`, `white`, `#rrggbb`, `#rgb` or a gray level `0`…`255`.
        public init?(parsing text: String) {
            let t = text.lowercased()
            if t == "black" {
                self = .black
                return
            }
            if t == "white" {
                self = .white
                return
            }
            if let level = Int(t), (0...255).contains(level) {
                self.init(gray: UInt8(level))
                return
            }
            guard t.first == "#" else { return nil }
            let hex = Array(t.dropFirst())
            func value(_ digits: ArraySlice<Character>) -> UInt8? {
                digits.allSatisfy(\.isHexDigit) ? UInt8(String(digits), radix: 16) : nil
            }
            if hex.count == 6, let r = value(hex[0..<2]), let g = value(hex[2..<4]), let b = value(hex[4..<6]) {
                self.init(red: r, green: g, blue: b)
            } else if hex.count == 3, let r = value(hex[0..<1]), let g = value(hex[1..<2]), let b = value(hex[2..<3]) {
                self.init(red: r * 17, green: g * 17, blue: b * 17)
            } else {
                return nil
            }
        }

        /// `#rrggbb`.
        public var description: String {
            func hex(_ v: UInt8) -> String { (v < 16 ? "0" : "") + String(v, radix: 16) }
            return "#" + hex(red) + hex(green) + hex(blue)
        }

        /// The colour's luma, with the same formula as the pixels.
        public var luma: UInt8 { Luma.of(red: red, green: green, blue: blue) }
    }

    /// Gray or RGB output [gray].
    public var channels: Channels
    /// The colour that transparent pixels are composited over, and that fills
    /// the margins in `fit` mode [black, as Fashion-MNIST].
    public var background: Color
    /// Output width in pixels [28].
    public var width: Int
    /// Output height in pixels [28].
    public var height: Int
    /// Aspect policy [stretch].
    public var aspect: Aspect
    /// Replace every output value v by 255 − v, for dark-on-light images
    /// [false]. Applied last, so it also inverts the background.
    public var invert: Bool

    public init(
        channels: Channels = .gray, background: Color = .black, width: Int = 28, height: Int = 28,
        aspect: Aspect = .stretch, invert: Bool = false
    ) {
        self.channels = channels
        self.background = background
        self.width = width
        self.height = height
        self.aspect = aspect
        self.invert = invert
    }

    /// The defaults: 28×28 gray over black, stretched, not inverted.
    public static let standard = NormalizationSpec()

    /// Bytes (and network inputs) per image: width × height × channels.
    public var featureCount: Int { width * height * channels.count }

    /// Largest accepted output side.
    public static let maximumSide = 4096

    /// A description of what is wrong with this spec, or nil when it is usable.
    public var problem: String? {
        guard (1...Self.maximumSide).contains(width), (1...Self.maximumSide).contains(height) else {
            return "width and height must be between 1 and \(Self.maximumSide), not \(width)×\(height)"
        }
        return nil
    }
}

/// Rec.601 luma exactly as Pillow computes it for `convert("L")`:
/// `(R·19595 + G·38470 + B·7471 + 0x8000) >> 16`, i.e. 0.299 R + 0.587 G +
/// 0.114 B rounded to nearest, on the encoded (not linearized) values. The
/// weights sum to 65536, so a gray pixel keeps its value.
public enum Luma {
    @inline(__always)
    public static func of(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        UInt8(truncatingIfNeeded: (UInt32(red) &* 19595 &+ UInt32(green) &* 38470 &+ UInt32(blue) &* 7471 &+ 0x8000) >> 16)
    }
}
