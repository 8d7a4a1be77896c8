import MCNDImaging
import MCNDModel
import Testing

/// The source format comes from the header the decoder reads: size, the
/// IHDR's colour type and bit depth, and transparency (alpha or tRNS).
@Suite struct SourceFormatTests {
    @Test(
        arguments: [
            ("basn0g01.png", "32×32 gray, 1-bit"), ("basn2c16.png", "32×32 RGB, 16-bit"), ("basn3p04.png", "32×32 palette, 4-bit"),
            ("basn4a08.png", "32×32 gray+alpha, 8-bit"), ("basn6a16.png", "32×32 RGBA, 16-bit"),
            ("ftbbn3p08.png", "32×32 palette with transparency, 8-bit"), ("ftbbn0g04.png", "32×32 gray with transparency, 4-bit"),
        ])
    func pngSuite(file: String, expected: String) throws {
        let bytes = try Corpus.bytes("pngsuite/" + file)
        let decoded = try PNGCodec.decodeWithHeader(bytes)
        #expect(decoded.header.source.description == expected)
        #expect(try PNGCodec.readHeader(bytes).source == decoded.header.source)
        #expect(try ImageNormalizer().normalizeKeepingSource(png: bytes).source == decoded.header.source)
    }

    @Test func anEncodedImageKeepsItsLayout() throws {
        let png = try PNGCodec.encode(DecodedImage(width: 3, height: 2, layout: .rgba, pixels: [UInt8](repeating: 9, count: 24)))
        #expect(try PNGCodec.readHeader(png).source == SourceFormat(width: 3, height: 2, kind: .rgba, bitDepth: 8, transparent: true))
    }
}
