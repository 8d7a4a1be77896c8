/// Turns a PNG into the network's input bytes, following a `NormalizationSpec`:
///
/// 1. decode with libpng to 8-bit samples as stored in the file;
/// 2. composite alpha over the background colour on the encoded values
///    (`(v·a + bg·(255−a) + 127) / 255`, Pillow's `alpha_composite`);
/// 3. gray output: Rec.601 luma (Pillow's `convert("L")`, see `Luma`);
/// 4. aspect policy, then resize: area averaging when shrinking, bilinear
///    when enlarging;
/// 5. optional inversion.
///
/// The result is `spec.featureCount` bytes 0…255, row-major, channels
/// interleaved; the network reads them as value/255.
public struct ImageNormalizer: Sendable {
    public let spec: NormalizationSpec
    public let limits: DecodeLimits

    public init(spec: NormalizationSpec = .standard, limits: DecodeLimits = .standard) {
        precondition(spec.problem == nil, spec.problem ?? "")
        self.spec = spec
        self.limits = limits
    }

    /// Decodes and normalizes a PNG.
    public func normalize(png bytes: [UInt8]) throws(ImageRejection) -> [UInt8] {
        normalize(try PNGCodec.decode(bytes, limits: limits))
    }

    /// Normalizes a decoded image.
    public func normalize(_ image: DecodedImage) -> [UInt8] {
        let flat = flattened(image)
        let channels = spec.channels.count
        let (W, H) = (spec.width, spec.height)
        let (w, h) = (image.width, image.height)

        var out: [UInt8]
        switch spec.aspect {
        case .stretch:
            out = Resampler.resample(
                flat.pixels, sourceWidth: w, channels: channels, x0: 0, y0: 0,
                windowWidth: w, windowHeight: h, outputWidth: W, outputHeight: H)
        case .crop:
            // The largest centred window with the output's aspect ratio.
            let scale = max(Double(W) / Double(w), Double(H) / Double(h))
            let cw = min(w, max(1, Int((Double(W) / scale).rounded())))
            let ch = min(h, max(1, Int((Double(H) / scale).rounded())))
            out = Resampler.resample(
                flat.pixels, sourceWidth: w, channels: channels, x0: (w - cw) / 2, y0: (h - ch) / 2,
                windowWidth: cw, windowHeight: ch, outputWidth: W, outputHeight: H)
        case .fit:
            let scale = min(Double(W) / Double(w), Double(H) / Double(h))
            let tw = min(W, max(1, Int((Double(w) * scale).rounded())))
            let th = min(H, max(1, Int((Double(h) * scale).rounded())))
            let inner = Resampler.resample(
                flat.pixels, sourceWidth: w, channels: channels, x0: 0, y0: 0,
                windowWidth: w, windowHeight: h, outputWidth: tw, outputHeight: th)
            out = letterbox(inner, width: tw, height: th)
        }
        if spec.invert {
            for i in out.indices { out[i] = 255 &- out[i] }
        }
        return out
    }

    /// The image at full size after step 2 and 3: composited over the
    /// background and, for gray output, converted to luma. Its layout is
    /// `.gray` or `.rgb` according to `spec.channels`.
    public func flattened(_ image: DecodedImage) -> DecodedImage {
        let bg = spec.background
        let n = image.width * image.height
        let src = image.pixels
        let pixels: [UInt8]
        switch (spec.channels, image.layout) {
        case (.gray, .gray), (.rgb, .rgb):
            pixels = src
        case (.gray, .grayAlpha) where bg.red == bg.green && bg.green == bg.blue:
            // Gray over a gray background: the three composited channels are
            // equal and luma keeps the value.
            pixels = Self.map(n, 1) { i, o in o[0] = composite(src[2 * i], src[2 * i + 1], bg.red) }
        case (.gray, .grayAlpha):
            pixels = Self.map(n, 1) { i, o in
                let v = src[2 * i], a = src[2 * i + 1]
                o[0] = Luma.of(red: composite(v, a, bg.red), green: composite(v, a, bg.green), blue: composite(v, a, bg.blue))
            }
        case (.gray, .rgb):
            pixels = Self.map(n, 1) { i, o in o[0] = Luma.of(red: src[3 * i], green: src[3 * i + 1], blue: src[3 * i + 2]) }
        case (.gray, .rgba):
            pixels = Self.map(n, 1) { i, o in
                let a = src[4 * i + 3]
                o[0] = Luma.of(
                    red: composite(src[4 * i], a, bg.red), green: composite(src[4 * i + 1], a, bg.green),
                    blue: composite(src[4 * i + 2], a, bg.blue))
            }
        case (.rgb, .gray):
            pixels = Self.map(n, 3) { i, o in let v = src[i]; o[0] = v; o[1] = v; o[2] = v }
        case (.rgb, .grayAlpha):
            pixels = Self.map(n, 3) { i, o in
                let v = src[2 * i], a = src[2 * i + 1]
                o[0] = composite(v, a, bg.red); o[1] = composite(v, a, bg.green); o[2] = composite(v, a, bg.blue)
            }
        case (.rgb, .rgba):
            pixels = Self.map(n, 3) { i, o in
                let a = src[4 * i + 3]
                o[0] = composite(src[4 * i], a, bg.red)
                o[1] = composite(src[4 * i + 1], a, bg.green)
                o[2] = composite(src[4 * i + 2], a, bg.blue)
            }
        }
        return DecodedImage(
            width: image.width, height: image.height, layout: spec.channels == .gray ? .gray : .rgb, pixels: pixels)
    }

    /// `inner` (tw × th) centred on a W×H canvas of the background colour.
    private func letterbox(_ inner: [UInt8], width tw: Int, height th: Int) -> [UInt8] {
        let channels = spec.channels.count
        let (W, H) = (spec.width, spec.height)
        let fill: [UInt8] = spec.channels == .gray
            ? [spec.background.luma] : [spec.background.red, spec.background.green, spec.background.blue]
        var canvas = [UInt8](repeating: 0, count: W * H * channels)
        for i in 0 ..< W * H { for c in 0..<channels { canvas[i * channels + c] = fill[c] } }
        let (left, top) = ((W - tw) / 2, (H - th) / 2)
        for y in 0..<th {
            let from = y * tw * channels
            let to = ((top + y) * W + left) * channels
            canvas.replaceSubrange(to ..< to + tw * channels, with: inner[from ..< from + tw * channels])
        }
        return canvas
    }

    /// Builds `count` pixels of `channels` bytes, `body(i, pixel)` filling
    /// pixel i.
    @inline(__always)
    private static func map(
        _ count: Int, _ channels: Int, _ body: (Int, UnsafeMutableBufferPointer<UInt8>) -> Void
    ) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count * channels) { out, initialized in
            let base = out.baseAddress!
            for i in 0..<count {
                body(i, UnsafeMutableBufferPointer(start: base + i * channels, count: channels))
            }
            initialized = count * channels
        }
    }
}

/// `v` with alpha `a` over an opaque `bg`, on encoded values, rounded to
/// nearest — bit-identical to Pillow's `Image.alpha_composite` over an opaque
/// background.
@inline(__always)
func composite(_ v: UInt8, _ a: UInt8, _ bg: UInt8) -> UInt8 {
    UInt8(truncatingIfNeeded: (UInt32(v) &* UInt32(a) &+ UInt32(bg) &* (255 &- UInt32(a)) &+ 127) / 255)
}
