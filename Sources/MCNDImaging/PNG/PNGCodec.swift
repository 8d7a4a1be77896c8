import CLibPNG
import MCNDModel

/// PNG decoding and encoding with libpng's simplified API — the only file in
/// mcnd that talks to libpng.
///
/// Only `png_image_begin_read_from_memory`, `png_image_finish_read`,
/// `png_image_free` and `png_image_write_to_memory` are used: their errors are
/// caught inside libpng and come back as a return value plus a message,
/// whereas the classic API reports errors with `longjmp`, which must never
/// cross Swift frames.
public enum PNGCodec {
    /// A PNG could not be written.
    public struct EncodingFailure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { "cannot encode PNG: \(message)" }
    }

    /// Reads the header of `bytes` (everything up to the image data) without
    /// decoding pixels, and checks it against `limits`.
    public static func readHeader(_ bytes: [UInt8], limits: DecodeLimits = .standard) throws(ImageRejection) -> PNGHeader {
        try run(bytes, limits: limits, decodePixels: false).header
    }

    /// Decodes `bytes` to 8-bit samples: gray sources to `.gray`, palette and
    /// RGB sources to `.rgb`, plus alpha when the file has an alpha channel or
    /// a tRNS chunk. 16-bit samples are scaled to 8 bits; sample values are
    /// otherwise those stored in the file (no gamma transform, alpha not
    /// composited — see `ImageNormalizer`).
    ///
    /// The pixel-count and byte-size limits are checked after the header and
    /// before any pixel buffer is allocated.
    public static func decode(_ bytes: [UInt8], limits: DecodeLimits = .standard) throws(ImageRejection) -> DecodedImage {
        try decodeWithHeader(bytes, limits: limits).image
    }

    /// `decode`, with the header it read on the way (for the source format).
    public static func decodeWithHeader(
        _ bytes: [UInt8], limits: DecodeLimits = .standard
    ) throws(ImageRejection) -> (image: DecodedImage, header: PNGHeader) {
        let result = try run(bytes, limits: limits, decodePixels: true)
        let image = DecodedImage(
            width: result.header.width, height: result.header.height, layout: result.header.layout, pixels: result.pixels)
        return (image, result.header)
    }

    /// Encodes `image` as an 8-bit PNG of the same layout.
    public static func encode(_ image: DecodedImage) throws(EncodingFailure) -> [UInt8] {
        var png = png_image()
        png.version = mcnd_png_image_version
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        png.format = format(for: image.layout)
        defer { png_image_free(&png) }

        var size: png_alloc_size_t = 0
        let sized = image.pixels.withUnsafeBytes { pixels in
            png_image_write_to_memory(&png, nil, &size, 0, pixels.baseAddress, 0, nil)
        }
        guard sized != 0, size > 0 else { throw EncodingFailure(message: message(of: png)) }

        var written = size
        var failure: String?
        let out = [UInt8](unsafeUninitializedCapacity: Int(size)) { buffer, count in
            let ok = image.pixels.withUnsafeBytes { pixels in
                png_image_write_to_memory(&png, buffer.baseAddress, &written, 0, pixels.baseAddress, 0, nil)
            }
            if ok == 0 || written > size {
                failure = message(of: png)
                count = 0
            } else {
                count = Int(written)
            }
        }
        if let failure { throw EncodingFailure(message: failure) }
        return out
    }

    // MARK: - Reading

    private struct ReadResult {
        let header: PNGHeader
        let pixels: [UInt8]
    }

    private static func run(_ original: [UInt8], limits: DecodeLimits, decodePixels: Bool) throws(ImageRejection) -> ReadResult {
        if let rejection = PNGChunks.precheck(original) { throw rejection }
        if original.count > limits.maxInputBytes {
            throw .tooLarge("the input is \(original.count) bytes, over the limit of \(limits.maxInputBytes)")
        }
        let sixteen = PNGChunks.declaresSixteenBit(original) == true
        let bytes = try PNGChunks.withoutColorSpace(original, insertingLinearGamma: sixteen) ?? original

        // The input stays alive (and pinned) from begin to finish: both calls
        // run inside this one closure.
        let outcome: Result<ReadResult, ImageRejection> = bytes.withUnsafeBytes { input in
            var png = png_image()
            png.version = mcnd_png_image_version
            defer { png_image_free(&png) }

            guard png_image_begin_read_from_memory(&png, input.baseAddress, input.count) != 0 else {
                return .failure(ImageRejection.classify(libpngMessage: message(of: png)))
            }
            let source = png.format
            let wanted = source & (mcnd_png_format_flag_color | mcnd_png_format_flag_alpha)
            // The IHDR libpng has just accepted, from the bytes in memory: its depth and colour type.
            let ihdr = PNGChunks.depthAndColorType(bytes).flatMap { i in
                SourceFormat.ColorKind(pngColorType: i.colorType).map { (Int(i.depth), $0) }
            }
            let header = PNGHeader(
                width: Int(png.width), height: Int(png.height), layout: layout(for: wanted),
                sixteenBit: source & mcnd_png_format_flag_linear != 0,
                palette: source & mcnd_png_format_flag_colormap != 0,
                source: ihdr.map {
                    SourceFormat(
                        width: Int(png.width), height: Int(png.height), kind: $0.1, bitDepth: $0.0,
                        transparent: source & mcnd_png_format_flag_alpha != 0)
                })
            if let rejection = limits.check(header) { return .failure(rejection) }
            guard decodePixels else { return .success(ReadResult(header: header, pixels: [])) }

            var failed = false
            let pixels: [UInt8]
            if header.sixteenBit && sixteen {
                // Read 16-bit "linear" (the inserted gAMA 1.0 makes that the
                // stored values) and keep the high byte, as Pillow does.
                png.format = wanted | mcnd_png_format_flag_linear
                let size = Int(mcnd_png_image_size(&png))
                guard size == header.decodedBytes else {
                    return .failure(.tooLarge("libpng computes \(size) bytes for \(header.width)×\(header.height)"))
                }
                let samples = [UInt16](unsafeUninitializedCapacity: header.decodedBytes / 2) { buffer, count in
                    if png_image_finish_read(&png, nil, buffer.baseAddress, 0, nil) != 0 {
                        count = buffer.count
                    } else {
                        failed = true
                        count = 0
                    }
                }
                pixels = failed ? [] : Self.highBytes(samples, layout: header.layout)
            } else {
                png.format = wanted
                let size = Int(mcnd_png_image_size(&png))
                guard size == header.pixelCount * header.layout.channels else {
                    return .failure(.tooLarge("libpng computes \(size) bytes for \(header.width)×\(header.height)"))
                }
                pixels = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                    if png_image_finish_read(&png, nil, buffer.baseAddress, 0, nil) != 0 {
                        count = size
                    } else {
                        failed = true
                        count = 0
                    }
                }
            }
            if failed { return .failure(ImageRejection.classify(libpngMessage: message(of: png))) }
            return .success(ReadResult(header: header, pixels: pixels))
        }
        return try outcome.get()
    }

    /// 16-bit samples to their high bytes. libpng returns linear output with
    /// associated (premultiplied) alpha; the colour is un-premultiplied first.
    private static func highBytes(_ samples: [UInt16], layout: PixelLayout) -> [UInt8] {
        let channels = layout.channels
        guard layout.hasAlpha else { return samples.map { UInt8(truncatingIfNeeded: $0 >> 8) } }
        return [UInt8](unsafeUninitializedCapacity: samples.count) { out, count in
            samples.withUnsafeBufferPointer { s in
                var i = 0
                while i < s.count {
                    let a = UInt32(s[i + channels - 1])
                    for c in 0..<channels - 1 {
                        let v = UInt32(s[i + c])
                        let straight = a == 0xFFFF ? v : a == 0 ? 0 : min(0xFFFF, (v * 0xFFFF + a / 2) / a)
                        out[i + c] = UInt8(truncatingIfNeeded: straight >> 8)
                    }
                    out[i + channels - 1] = UInt8(truncatingIfNeeded: a >> 8)
                    i += channels
                }
            }
            count = samples.count
        }
    }

    private static func layout(for format: UInt32) -> PixelLayout {
        switch mcnd_png_image_pixel_channels(format) {
        case 1: .gray
        case 2: .grayAlpha
        case 3: .rgb
        default: .rgba
        }
    }

    private static func format(for layout: PixelLayout) -> UInt32 {
        switch layout {
        case .gray: mcnd_png_format_gray
        case .grayAlpha: mcnd_png_format_ga
        case .rgb: mcnd_png_format_rgb
        case .rgba: mcnd_png_format_rgba
        }
    }

    /// libpng's message: at most 64 bytes, NUL-terminated when shorter.
    private static func message(of png: png_image) -> String {
        withUnsafeBytes(of: png.message) { raw in
            let end = raw.firstIndex(of: 0) ?? raw.count
            return String(decoding: raw[..<end], as: UTF8.self)
        }
    }
}
