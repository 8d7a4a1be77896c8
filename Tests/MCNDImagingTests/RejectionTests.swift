import Foundation
import MCNDImaging
import Testing

@Suite struct RejectionTests {
    /// A valid 3×2 gray PNG made by mcnd's encoder.
    static let small: [UInt8] = try! PNGCodec.encode(DecodedImage(width: 3, height: 2, layout: .gray, pixels: [0, 50, 100, 150, 200, 250]))

    static func rejection(_ bytes: [UInt8], limits: DecodeLimits = .standard) -> ImageRejection? {
        do {
            _ = try PNGCodec.decode(bytes, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func emptyInput() {
        #expect(Self.rejection([]) == .empty)
        #expect(ImageRejection.empty.code == "empty")
    }

    @Test func notAPNG() {
        let text = Array("hello, this is certainly not a PNG file\n".utf8)
        #expect(Self.rejection(text)?.code == "not_png")
        #expect(Self.rejection(Array(text.prefix(3)))?.code == "not_png")
        var jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0, count: 60)
        #expect(Self.rejection(jpeg)?.code == "not_png")
        jpeg = Self.small
        jpeg[1] = UInt8(ascii: "X")  // "\x89XNG…"
        let r = Self.rejection(jpeg)
        #expect(r?.code == "not_png")
        #expect(r?.detail.lowercased().contains("png") == true, "libpng's message is kept: \(String(describing: r))")
    }

    @Test func truncatedEverywhere() throws {
        // Every proper prefix of a valid PNG is rejected, and as truncated
        // (a prefix of the signature included).
        let png = Self.small
        for length in 1..<png.count {
            let r = Self.rejection(Array(png.prefix(length)))
            #expect(r?.code == "truncated", "prefix of \(length)/\(png.count) bytes: \(String(describing: r))")
        }
        #expect(Self.rejection(png) == nil)
    }

    @Test(.enabled(if: Corpus.available, "the shared PNG corpus (../shared/testdata/png) is not beside the repo"))
    func truncatedCorpusFile() throws {
        let png = try Corpus.bytes("pngsuite/basn6a08.png")
        for length in [9, 20, 33, 40, png.count / 2, png.count - 13, png.count - 1] {
            #expect(Self.rejection(Array(png.prefix(length)))?.code == "truncated", "prefix \(length)")
        }
    }

    @Test func corruptCRCAndZlib() throws {
        var png = Self.small
        let chunks = PNGBuilder.chunks(of: png)
        #expect(chunks.first?.type == "IHDR")
        // Flip a bit in IHDR's data: its CRC no longer matches.
        png[20] ^= 0x01
        let crc = Self.rejection(png)
        #expect(crc?.code == "corrupt")
        #expect(crc?.detail.contains("CRC") == true, "\(String(describing: crc))")

        // Garbage zlib data with a correct CRC.
        var b = PNGBuilder()
        b.ihdr(width: 4, height: 4)
        b.chunk("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x11, 0x22])
        b.chunk("IEND", [])
        #expect(Self.rejection(b.bytes)?.code == "corrupt")

        // An impossible IHDR: bit depth 3.
        var bad = PNGBuilder()
        bad.ihdr(width: 4, height: 4, bitDepth: 3)
        bad.chunk("IEND", [])
        #expect(Self.rejection(bad.bytes)?.code == "corrupt")
    }

    @Test func unknownCriticalChunkIsUnsupported() throws {
        // A chunk type with an upper-case first letter is critical; libpng
        // refuses one it does not know.
        let original = PNGBuilder.chunks(of: Self.small)
        var b = PNGBuilder()
        for (i, chunk) in original.enumerated() {
            b.chunk(chunk.type, chunk.data)
            if i == 0 { b.chunk("ZZZZ", [1, 2, 3]) }
        }
        let r = Self.rejection(b.bytes)
        #expect(r?.code == "unsupported", "\(String(describing: r))")
    }

    @Test func hugeHeaderIsRejectedBeforeAllocating() throws {
        // IHDR claims 100000×100000 RGBA (40 GB decoded); a tiny IDAT follows.
        var b = PNGBuilder()
        b.ihdr(width: 100_000, height: 100_000, colorType: 6)
        b.chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])
        b.chunk("IEND", [])
        let r = Self.rejection(b.bytes)
        #expect(r?.code == "too_large", "\(String(describing: r))")
        #expect(throws: ImageRejection.self) { try PNGCodec.readHeader(b.bytes) }

        // Generous sanity bound (not a benchmark): 200 rejections well within a
        // second, which an attempt to allocate or fill 40 GB could not do.
        let clock = ContinuousClock()
        let elapsed = clock.measure { for _ in 0..<200 { _ = Self.rejection(b.bytes) } }
        #expect(elapsed < .seconds(1), "200 rejections took \(elapsed)")

        // With the pixel cap lifted, the byte cap still applies.
        let bytesOnly = DecodeLimits(maxPixels: .max, maxDecodedBytes: 1 << 30)
        #expect(Self.rejection(b.bytes, limits: bytesOnly)?.code == "too_large")
    }

    @Test func limitsAreConfigurable() throws {
        let png = try PNGCodec.encode(DecodedImage(width: 10, height: 10, layout: .rgb, pixels: [UInt8](repeating: 7, count: 300)))
        #expect(Self.rejection(png) == nil)
        #expect(Self.rejection(png, limits: DecodeLimits(maxPixels: 99))?.code == "too_large")
        #expect(Self.rejection(png, limits: DecodeLimits(maxPixels: 100)) == nil)
        #expect(Self.rejection(png, limits: DecodeLimits(maxDecodedBytes: 299))?.code == "too_large")
        #expect(Self.rejection(png, limits: DecodeLimits(maxDecodedBytes: 300)) == nil)
        #expect(Self.rejection(png, limits: DecodeLimits(maxInputBytes: png.count - 1))?.code == "too_large")
        let header = try PNGCodec.readHeader(png)
        #expect(header == PNGHeader(width: 10, height: 10, layout: .rgb, sixteenBit: false, palette: false))
    }

    @Test(.enabled(if: Corpus.available, "the shared PNG corpus (../shared/testdata/png) is not beside the repo"))
    func crashersAndBadPalettesAreHandled() throws {
        let files = Corpus.files(in: "libpng-testpngs/crashers") + Corpus.files(in: "libpng-testpngs/badpal")
        #expect(files.count >= 30)
        var rejected = 0
        for file in files {
            let bytes = try Corpus.bytes(file)
            let first = Result { () throws(ImageRejection) in try PNGCodec.decode(bytes) }
            let second = Result { () throws(ImageRejection) in try PNGCodec.decode(bytes) }
            switch (first, second) {
            case (.success(let a), .success(let b)):
                #expect(a == b, "\(file) decodes differently twice")
                #expect(ImageNormalizer().normalize(a).count == 784)
            case (.failure(let a), .failure(let b)):
                #expect(a == b, "\(file) is rejected differently twice")
                #expect(ImageRejection.codes.contains(a.code) && !a.detail.isEmpty)
                rejected += 1
            default:
                Issue.record("\(file): decoded once and rejected once")
            }
        }
        // The huge-chunk crashers are cut off, the bad CRC/Adler ones corrupt.
        #expect(Self.rejection(try Corpus.bytes("libpng-testpngs/crashers/huge_iTXt_chunk.png"))?.code == "truncated")
        #expect(Self.rejection(try Corpus.bytes("libpng-testpngs/crashers/badcrc.png"))?.code == "corrupt")
        #expect(Self.rejection(try Corpus.bytes("libpng-testpngs/crashers/badadler.png"))?.code == "corrupt")
        #expect(rejected >= 20)
    }

    @Test(arguments: [
        ("Not a PNG file", "not_png"),
        ("PNG file corrupted by ASCII conversion", "not_png"),
        ("read beyond end of data", "truncated"),
        ("Not enough image data", "truncated"),
        ("IDAT: CRC error", "corrupt"),
        ("IDAT: incorrect header check", "corrupt"),
        ("IDAT: invalid distance too far back", "corrupt"),
        ("Invalid IHDR data", "corrupt"),
        ("PLTE: invalid", "corrupt"),
        ("Image width exceeds user limit in IHDR", "too_large"),
        ("ZZZZ: unhandled critical chunk", "unsupported"),
        ("ZZZZ: unknown critical chunk", "unsupported"),
        ("", "corrupt"),
    ])
    func libpngMessagesMapToReasonCodes(message: String, code: String) {
        let r = ImageRejection.classify(libpngMessage: message)
        #expect(r.code == code)
        #expect(!r.detail.isEmpty)
        if !message.isEmpty { #expect(r.detail == message) }
    }

    @Test func reasonCodesAreStable() {
        #expect(ImageRejection.codes == ["empty", "not_png", "truncated", "corrupt", "too_large", "unsupported"])
        let all: [ImageRejection] = [.empty, .notPNG("a"), .truncated("b"), .corrupt("c"), .tooLarge("d"), .unsupported("e")]
        #expect(all.map(\.code) == ImageRejection.codes)
        #expect(ImageRejection.corrupt("IDAT: CRC error").description == "corrupt: IDAT: CRC error")
    }
}
