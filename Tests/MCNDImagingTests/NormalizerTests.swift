import MCNDImaging
import Testing

@Suite struct NormalizerTests {
    static func gray(_ w: Int, _ h: Int, _ pixels: [UInt8]) -> DecodedImage {
        DecodedImage(width: w, height: h, layout: .gray, pixels: pixels)
    }

    static func normalize(_ image: DecodedImage, _ spec: NormalizationSpec) -> [UInt8] {
        ImageNormalizer(spec: spec).normalize(image)
    }

    @Test func defaultsAreFashionMNISTShaped() {
        let spec = NormalizationSpec.standard
        #expect(spec.channels == .gray && spec.background == .black && spec.aspect == .stretch && !spec.invert)
        #expect(spec.width == 28 && spec.height == 28 && spec.featureCount == 784)
        #expect(NormalizationSpec(channels: .rgb, width: 10, height: 5).featureCount == 150)
        #expect(NormalizationSpec(width: 0).problem != nil)
        #expect(NormalizationSpec(width: 28, height: 5000).problem != nil)
        #expect(spec.problem == nil)
    }

    @Test func sameSizeGrayIsUnchanged() {
        var rng = MutationTests.SplitMix64(state: 1)
        let pixels = (0..<784).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let image = Self.gray(28, 28, pixels)
        #expect(Self.normalize(image, .standard) == pixels)
        #expect(Self.normalize(image, NormalizationSpec(aspect: .fit)) == pixels)
        #expect(Self.normalize(image, NormalizationSpec(aspect: .crop)) == pixels)
    }

    @Test func shrinkingAveragesAreas() {
        // 4×4 → 2×2: each output is the rounded mean of a 2×2 block.
        let pixels: [UInt8] = [
            0, 10, 100, 101,
            20, 31, 102, 103,
            255, 255, 0, 1,
            255, 254, 0, 0,
        ]
        let out = Self.normalize(Self.gray(4, 4, pixels), NormalizationSpec(width: 2, height: 2))
        func mean(_ v: [Int]) -> UInt8 { UInt8((Double(v.reduce(0, +)) / Double(v.count)).rounded(.toNearestOrAwayFromZero)) }
        #expect(out == [mean([0, 10, 20, 31]), mean([100, 101, 102, 103]), mean([255, 255, 255, 254]), mean([0, 1, 0, 0])])

        // 3×1 → 2×1: output 0 covers source [0, 1.5), output 1 covers [1.5, 3).
        let three = Self.normalize(Self.gray(3, 1, [30, 90, 240]), NormalizationSpec(width: 2, height: 1))
        let left: Double = (30 + 0.5 * 90) / 1.5  // 50
        let right: Double = (0.5 * 90 + 240) / 1.5  // 190
        #expect(three == [UInt8(left.rounded()), UInt8(right.rounded())])

        // A whole image to one pixel: the mean.
        let one = Self.normalize(Self.gray(5, 1, [0, 50, 100, 150, 200]), NormalizationSpec(width: 1, height: 1))
        #expect(one == [100])
    }

    @Test func enlargingIsBilinear() {
        // Pixel centres aligned: outputs sample 0, 0.25, 0.75, 1 (clamped).
        let out = Self.normalize(Self.gray(2, 1, [0, 200]), NormalizationSpec(width: 4, height: 1))
        #expect(out == [0, 50, 150, 200])
        let tall = Self.normalize(Self.gray(1, 2, [200, 0]), NormalizationSpec(width: 1, height: 4))
        #expect(tall == [200, 150, 50, 0])
        // One pixel everywhere.
        #expect(Self.normalize(Self.gray(1, 1, [77]), .standard) == [UInt8](repeating: 77, count: 784))
    }

    @Test func alphaIsCompositedOverTheBackground() {
        let ga = DecodedImage(width: 3, height: 1, layout: .grayAlpha, pixels: [200, 128, 200, 0, 200, 255])
        let spec = NormalizationSpec(width: 3, height: 1)
        // (v·a + bg·(255−a) + 127) / 255
        let overBlack: Int = (200 * 128 + 127) / 255
        #expect(Self.normalize(ga, spec) == [UInt8(overBlack), 0, 200])
        var white = spec
        white.background = .white
        let overWhite: Int = (200 * 128 + 255 * 127 + 127) / 255
        #expect(Self.normalize(ga, white) == [UInt8(overWhite), 255, 200])

        // RGBA over a coloured background: composite per channel, then luma.
        let rgba = DecodedImage(width: 1, height: 1, layout: .rgba, pixels: [255, 0, 0, 0])
        var green = NormalizationSpec(width: 1, height: 1)
        green.background = NormalizationSpec.Color(red: 0, green: 255, blue: 0)
        #expect(Self.normalize(rgba, green) == [150])
        green.channels = .rgb
        #expect(Self.normalize(rgba, green) == [0, 255, 0])
    }

    @Test func grayIsRec601LumaOnEncodedValues() {
        let rgb = DecodedImage(width: 4, height: 1, layout: .rgb, pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255, 90, 90, 90])
        // 0.299·255 = 76.2, 0.587·255 = 149.7, 0.114·255 = 29.1; gray stays gray.
        #expect(Self.normalize(rgb, NormalizationSpec(width: 4, height: 1)) == [76, 150, 29, 90])
        #expect(Luma.of(red: 255, green: 255, blue: 255) == 255)
        #expect(Luma.of(red: 0, green: 0, blue: 0) == 0)
    }

    @Test func rgbOutputKeepsColour() {
        let g = Self.gray(2, 1, [10, 20])
        #expect(Self.normalize(g, NormalizationSpec(channels: .rgb, width: 2, height: 1)) == [10, 10, 10, 20, 20, 20])
        let rgb = DecodedImage(width: 2, height: 1, layout: .rgb, pixels: [1, 2, 3, 4, 5, 6])
        #expect(Self.normalize(rgb, NormalizationSpec(channels: .rgb, width: 2, height: 1)) == [1, 2, 3, 4, 5, 6])
        #expect(Self.normalize(rgb, NormalizationSpec(channels: .rgb, width: 1, height: 1)) == [3, 4, 5])
    }

    @Test func fitLetterboxesWithTheBackground() {
        // 4×2 white into 4×4: scaled 4×2, centred, black rows above and below.
        let image = Self.gray(4, 2, [UInt8](repeating: 255, count: 8))
        let out = Self.normalize(image, NormalizationSpec(width: 4, height: 4, aspect: .fit))
        #expect(out == [UInt8](repeating: 0, count: 4) + [UInt8](repeating: 255, count: 8) + [UInt8](repeating: 0, count: 4))
        // Background colour fills the margins (gray output: its luma); invert applies to them too.
        let spec = NormalizationSpec(background: NormalizationSpec.Color(gray: 40), width: 2, height: 4, aspect: .fit, invert: true)
        let tall = Self.normalize(Self.gray(2, 1, [100, 100]), spec)
        // 2×1 fits 2×4 at scale 1: one content row at (4 − 1) / 2 = 1.
        #expect(tall == [215, 215, 155, 155, 215, 215, 215, 215])
    }

    @Test func cropKeepsTheCentre() {
        let image = Self.gray(4, 2, [10, 20, 30, 40, 50, 60, 70, 80])
        #expect(Self.normalize(image, NormalizationSpec(width: 2, height: 2, aspect: .crop)) == [20, 30, 60, 70])
        #expect(Self.normalize(image, NormalizationSpec(width: 2, height: 2, aspect: .stretch)) == [15, 35, 55, 75])
        let out = Self.normalize(image, NormalizationSpec(width: 1, height: 1, aspect: .crop))
        #expect(out == [UInt8((20 + 30 + 60 + 70) / 4)])
    }

    @Test func invertIsLast() {
        let image = Self.gray(2, 1, [0, 200])
        #expect(Self.normalize(image, NormalizationSpec(width: 2, height: 1, invert: true)) == [255, 55])
    }

    @Test func colorsParse() {
        typealias C = NormalizationSpec.Color
        #expect(C(parsing: "black") == .black && C(parsing: "WHITE") == .white)
        #expect(C(parsing: "#ff8000") == C(red: 255, green: 128, blue: 0))
        #expect(C(parsing: "#f80") == C(red: 255, green: 136, blue: 0))
        #expect(C(parsing: "128") == C(gray: 128))
        for bad in ["", "#12", "#gggggg", "256", "-1", "red", "#1234567"] { #expect(C(parsing: bad) == nil, "\(bad)") }
        #expect(C(red: 255, green: 8, blue: 0).description == "#ff0800")
        #expect(C(parsing: C(red: 1, green: 2, blue: 3).description) == C(red: 1, green: 2, blue: 3))
    }

    @Test func normalizesPNGBytes() throws {
        let png = try PNGCodec.encode(Self.gray(56, 56, [UInt8](repeating: 99, count: 56 * 56)))
        #expect(try ImageNormalizer().normalize(png: png) == [UInt8](repeating: 99, count: 784))
        #expect(throws: ImageRejection.empty) { try ImageNormalizer().normalize(png: []) }
    }
}
