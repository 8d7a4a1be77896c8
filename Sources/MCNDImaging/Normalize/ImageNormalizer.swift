import MCNDModel

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

    /// Decodes and normalizes a PNG, keeping the source format the header gave.
    public func normalizeKeepingSource(png bytes: [UInt8]) throws(ImageRejection) -> (pixels: [UInt8], source: SourceFormat) {
        let decoded = try PNGCodec.decodeWithHeader(bytes, limits: limits)
        return (normalize(decoded.image), decoded.header.source)
    }

    /// Normalizes a decoded image.
    public func normalize(_ image: DecodedImage) -> [UInt8] {
        let flat = flattened(image)
        let channels = spec.channels.count
        let (W, H) = (spec.width, spec.height)
        let (w, h) = (image.width, image.height)

        var out: [UInt8]
        switch spec.aspect {
        case _ where w == W && h == H:
            out = flat.pixels  // already the output size, whatever the policy
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
        let grayBackground = bg.red == bg.green && bg.green == bg.blue
        let n = image.width * image.height
        let outChannels = spec.channels.count
        let pixels: [UInt8]
        switch (spec.channels, image.layout) {
        case (.gray, .gray), (.rgb, .rgb):
            pixels = image.pixels
        default:
            let layout = image.layout
            pixels = [UInt8](unsafeUninitializedCapacity: n * outChannels) { out, initialized in
                image.pixels.withUnsafeBufferPointer { src in
                    Self.flatten(
                        src, layout: layout, into: out, count: n, gray: outChannels == 1,
                        background: bg, grayBackground: grayBackground)
                }
                initialized = n * outChannels
            }
        }
        return DecodedImage(
            width: image.width, height: image.height, layout: spec.channels == .gray ? .gray : .rgb, pixels: pixels)
    }

    /// The per-pixel loops of `flattened` (layouts that need work only).
    private static func flatten(
        _ s: UnsafeBufferPointer<UInt8>, layout: PixelLayout, into o: UnsafeMutableBufferPointer<UInt8>,
        count n: Int, gray: Bool, background bg: NormalizationSpec.Color, grayBackground: Bool
    ) {
        let (r, g, b) = (bg.red, bg.green, bg.blue)
        switch (gray, layout) {
        case (true, .grayAlpha) where grayBackground:
            // Gray over gray: the three composited channels are equal and
            // luma keeps the value.
            for i in 0..<n { o[i] = composite(s[2 * i], s[2 * i + 1], r) }
        case (true, .grayAlpha):
            for i in 0..<n {
                let v = s[2 * i], a = s[2 * i + 1]
                o[i] = Luma.of(red: composite(v, a, r), green: composite(v, a, g), blue: composite(v, a, b))
            }
        case (true, .rgb):
            for i in 0..<n { o[i] = Luma.of(red: s[3 * i], green: s[3 * i + 1], blue: s[3 * i + 2]) }
        case (true, .rgba):
            for i in 0..<n {
                let a = s[4 * i + 3]
                o[i] = Luma.of(
                    red: composite(s[4 * i], a, r), green: composite(s[4 * i + 1], a, g), blue: composite(s[4 * i + 2], a, b))
            }
        case (false, .gray):
            for i in 0..<n {
                let v = s[i]
                o[3 * i] = v
                o[3 * i + 1] = v
                o[3 * i + 2] = v
            }
        case (false, .grayAlpha):
            for i in 0..<n {
                let v = s[2 * i], a = s[2 * i + 1]
                o[3 * i] = composite(v, a, r)
                o[3 * i + 1] = composite(v, a, g)
                o[3 * i + 2] = composite(v, a, b)
            }
        case (false, .rgba):
            for i in 0..<n {
                let a = s[4 * i + 3]
                o[3 * i] = composite(s[4 * i], a, r)
                o[3 * i + 1] = composite(s[4 * i + 1], a, g)
                o[3 * i + 2] = composite(s[4 * i + 2], a, b)
            }
        case (true, .gray), (false, .rgb):
            for i in 0..<n * (gray ? 1 : 3) { o[i] = s[i] }
        }
    }

    /// `inner` (tw × th) centred on a W×H canvas of the background colour.
    private func letterbox(_ inner: [UInt8], width tw: Int, height th: Int) -> [UInt8] {
        let channels = spec.channels.count
        let (W, H) = (spec.width, spec.height)
        let fill: [UInt8] =
            spec.channels == .gray
            ? [spec.background.luma] : [spec.background.red, spec.background.green, spec.background.blue]
        var canvas = [UInt8](repeating: 0, count: W * H * channels)
        for i in 0..<W * H { for c in 0..<channels { canvas[i * channels + c] = fill[c] } }
        let (left, top) = ((W - tw) / 2, (H - th) / 2)
        for y in 0..<th {
            let from = y * tw * channels
            let to = ((top + y) * W + left) * channels
            canvas.replaceSubrange(to..<to + tw * channels, with: inner[from..<from + tw * channels])
        }
        return canvas
    }
}

/// `v` with alpha `a` over an opaque `bg`, on encoded values, rounded to
/// nearest — bit-identical to Pillow's `Image.alpha_composite` over an opaque
/// background.
@inline(__always)
func composite(_ v: UInt8, _ a: UInt8, _ bg: UInt8) -> UInt8 {
    UInt8(truncatingIfNeeded: (UInt32(v) &* UInt32(a) &+ UInt32(bg) &* (255 &- UInt32(a)) &+ 127) / 255)
}
