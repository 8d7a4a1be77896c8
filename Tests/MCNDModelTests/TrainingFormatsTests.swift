import MCNDModel
import Testing

/// The format rule: one size and colour kind admits only itself; varied
/// formats admit what lies within their ranges.
@Suite struct TrainingFormatsTests {
    static func format(_ w: Int, _ h: Int, _ kind: SourceFormat.ColorKind, depth: Int = 8, transparent: Bool = false) -> SourceFormat {
        SourceFormat(width: w, height: h, kind: kind, bitDepth: depth, transparent: transparent || kind.hasAlphaChannel)
    }

    @Test func oneSizeAndKindAdmitsOnlyItself() throws {
        let formats = try #require(TrainingFormats([Self.format(28, 28, .gray): 60_000]))
        #expect(formats.admits(Self.format(28, 28, .gray)))
        for other in [
            Self.format(32, 32, .gray), Self.format(28, 28, .rgb), Self.format(28, 28, .palette),
            Self.format(28, 28, .gray, transparent: true),
        ] {
            #expect(!formats.admits(other), "\(other)")
        }
        #expect(formats.detail(Self.format(32, 32, .rgba)) == "32×32 RGBA, 8-bit; the training examples were 28×28 gray, 8-bit")
    }

    @Test func variedFormatsAdmitWhatLiesWithinThem() throws {
        let formats = try #require(
            TrainingFormats([Self.format(28, 28, .gray): 10, Self.format(40, 30, .rgba): 10, Self.format(32, 32, .rgb, depth: 16): 1]))
        #expect(formats.description == "28–40×28–32 gray, RGB or RGBA, 8 or 16-bit")
        for inside in [Self.format(30, 29, .rgb), Self.format(40, 30, .gray), Self.format(36, 32, .rgba, depth: 16)] {
            #expect(formats.admits(inside), "\(inside)")
        }
        // Too wide, too tall, an aspect ratio none had (within both ranges), a kind none had.
        for outside in [Self.format(41, 30, .gray), Self.format(28, 33, .gray), Self.format(28, 32, .gray), Self.format(28, 28, .palette)] {
            #expect(!formats.admits(outside), "\(outside)")
        }
        #expect(TrainingFormats([:]) == nil)
    }

    @Test func theKeyRoundTrips() {
        for f in [Self.format(28, 28, .gray), Self.format(1, 5000, .palette, depth: 2, transparent: true), Self.format(3, 4, .grayAlpha)] {
            #expect(SourceFormat(key: f.key) == f, "\(f.key)")
        }
        #expect(SourceFormat(key: "28x28 grey 8 0") == nil)
    }
}
