import MCNDModel

/// Byte-level facts about the PNG container that mcnd needs before libpng
/// sees the data. Nothing here decodes pixels.
public enum PNGChunks {
    /// The 8-byte PNG signature.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The rejection for inputs too short to reach libpng, if any: empty, or
    /// shorter than the signature (a cut-off PNG or something else).
    static func precheck(_ bytes: [UInt8]) -> ImageRejection? {
        if bytes.isEmpty { return .empty }
        if bytes.count < signature.count {
            if bytes.elementsEqual(signature.prefix(bytes.count)) {
                return .truncated("the data ends inside the PNG signature (\(bytes.count) bytes)")
            }
            return .notPNG("\(bytes.count) bytes that do not start with the PNG signature")
        }
        return nil
    }

    /// The IHDR's bit depth and colour type, nil when there is no well-formed
    /// IHDR where it belongs (libpng has checked their values by the time they are used).
    static func depthAndColorType(_ bytes: [UInt8]) -> (depth: UInt8, colorType: UInt8)? {
        guard bytes.count >= 33, bytes[8..<16].elementsEqual([0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]) else { return nil }
        return (bytes[24], bytes[25])
    }

    /// Whether the stream's IHDR (which must come first) declares 16-bit
    /// samples; nil when there is no well-formed IHDR where it belongs.
    static func declaresSixteenBit(_ bytes: [UInt8]) -> Bool? {
        guard bytes.count >= 33, bytes[8..<16].elementsEqual([0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]) else { return nil }
        return bytes[24] == 16
    }

    /// The stream to hand to libpng so that it returns the stored sample
    /// values, or nil when `bytes` can be used as they are.
    ///
    /// libpng's simplified API converts images between gamma encodings: it
    /// reads gAMA, sRGB and iCCP to learn the file's encoding and re-encodes
    /// to sRGB (8-bit output) or linear (16-bit output). Pillow — and so what
    /// people get in Python — ignores those chunks and hands out the stored
    /// values. mcnd wants the stored values too, so it removes those three
    /// chunks; an 8-bit stream is then taken as sRGB and not transformed.
    /// For a 16-bit stream (`linear`), which mcnd reads as 16-bit linear to
    /// reduce it to 8 bits itself, a gAMA of 1.0 is inserted after IHDR so
    /// that input and output are both "linear" and again nothing changes.
    ///
    /// Chunks are removed whole (each carries its own CRC) so the stream stays
    /// valid. Anything else wrong with the stream is left to libpng, which
    /// reports it.
    static func withoutColorSpace(_ bytes: [UInt8], insertingLinearGamma linear: Bool) throws(ImageRejection) -> [UInt8]? {
        // Not a PNG at all: libpng says so (not_png), nothing to walk.
        guard bytes.starts(with: signature) else { return nil }
        let removed = try colorSpaceChunks(bytes)
        guard !removed.isEmpty || linear else { return nil }
        // Inserting needs IHDR at bytes 8..<33; every removed chunk follows it.
        if linear && declaresSixteenBit(bytes) == nil { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + linearGammaChunk.count)
        var start = 0
        if linear {
            out.append(contentsOf: bytes[0..<33])
            out.append(contentsOf: linearGammaChunk)
            start = 33
        }
        for range in removed {
            out.append(contentsOf: bytes[start..<range.lowerBound])
            start = range.upperBound
        }
        out.append(contentsOf: bytes[start...])
        return out
    }

    /// Walks the chunk headers (not their data) up to IEND and returns the
    /// byte ranges of the gAMA, sRGB and iCCP chunks before the first IDAT.
    /// A stream without IEND is `truncated`.
    ///
    /// A chunk that declares more bytes than the input still holds is
    /// rejected here as `truncated`: libpng would first allocate the declared
    /// size (a 57-byte file claiming a 2 GB iTXt chunk costs it a gigabyte and
    /// seconds) and only then find the data missing.
    static func colorSpaceChunks(_ bytes: [UInt8]) throws(ImageRejection) -> [Range<Int>] {
        var removed: [Range<Int>] = []
        var position = signature.count
        var beforeImageData = true
        var ended = false
        while position + 8 <= bytes.count {
            let length =
                Int(bytes[position]) << 24 | Int(bytes[position + 1]) << 16
                | Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            let type = (bytes[position + 4], bytes[position + 5], bytes[position + 6], bytes[position + 7])
            if length > bytes.count - position - 12 {
                let name = String(decoding: [type.0, type.1, type.2, type.3].map { (0x20...0x7E).contains($0) ? $0 : 0x3F }, as: UTF8.self)
                throw .truncated(
                    "chunk '\(name)' at byte \(position) declares \(length) bytes, only \(max(0, bytes.count - position - 12)) remain")
            }
            if type == (0x49, 0x45, 0x4E, 0x44) {
                ended = true
                break
            }  // IEND
            if type == (0x49, 0x44, 0x41, 0x54) { beforeImageData = false }  // IDAT
            if beforeImageData
                && (type == (0x67, 0x41, 0x4D, 0x41) || type == (0x73, 0x52, 0x47, 0x42) || type == (0x69, 0x43, 0x43, 0x50))
            {
                removed.append(position..<position + 12 + length)  // gAMA, sRGB, iCCP
            }
            position += 12 + length
        }
        // libpng decodes a stream whose image data is complete even when the
        // end is missing; mcnd does not, as a cut-off copy is the usual cause.
        guard ended else { throw .truncated("the data ends after byte \(bytes.count) without an IEND chunk") }
        return removed
    }

    /// A gAMA chunk for gamma 1.0 (100000 / 100000).
    static let linearGammaChunk: [UInt8] = {
        let body: [UInt8] = [0x67, 0x41, 0x4D, 0x41, 0x00, 0x01, 0x86, 0xA0]
        let crc = Zlib.crc32(body)
        return [0, 0, 0, 4] + body + [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
    }()
}
