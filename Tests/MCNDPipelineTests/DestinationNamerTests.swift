import Foundation
import MCNDPipeline
import Testing

/// Destination names: unique in their folder and never over NAME_MAX (255
/// bytes), so a long name's move cannot fail on every retry.
@Suite("Destination naming") struct DestinationNamerTests {
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test("a 255-byte name with a suffix is cut to 255 bytes, the suffix and extension kept")
    func asciiAtNameMax() {
        let stem = [UInt8](repeating: UInt8(ascii: "a"), count: 251)
        let name = DestinationNamer.withSuffix(Self.bytes("-12"), stem: stem, extension: Self.bytes(".png"))
        #expect(name.count == DestinationNamer.nameMax)
        #expect(String(decoding: name.suffix(7), as: UTF8.self) == "-12.png")
    }

    @Test("a cut never splits a multibyte UTF-8 character")
    func multibyteBoundary() throws {
        // 125 × "é" (2 bytes) + "x" = 251 bytes; + ".png" = 255. Any cut of 1 byte lands inside an "é".
        let stem = Self.bytes(String(repeating: "é", count: 125) + "x")
        for suffix in ["-1", "-12", "-r7"] {
            let name = DestinationNamer.withSuffix(Self.bytes(suffix), stem: stem, extension: Self.bytes(".png"))
            #expect(name.count <= DestinationNamer.nameMax)
            let text = try #require(String(validating: name, as: UTF8.self), "\(suffix): not valid UTF-8")
            #expect(text.hasSuffix(suffix + ".png") && text.hasPrefix("éé"))
        }
        // A 3-byte character (€) and a 4-byte one (𝄞) at the cut.
        for char in ["€", "𝄞"] {
            let long = Self.bytes(String(repeating: char, count: 251 / char.utf8.count + 1))
            let name = DestinationNamer.withSuffix(Self.bytes("-1"), stem: long, extension: Self.bytes(".png"))
            #expect(name.count <= DestinationNamer.nameMax)
            #expect(String(validating: name, as: UTF8.self) != nil, "\(char) split")
        }
    }

    @Test("an extension too long for the suffix is cut after the stem is gone")
    func extensionCut() {
        let ext = Self.bytes(".") + [UInt8](repeating: UInt8(ascii: "x"), count: 253)
        let name = DestinationNamer.withSuffix(Self.bytes("-1"), stem: Self.bytes("a"), extension: ext)
        #expect(name.count == DestinationNamer.nameMax)
        #expect(Array(name.prefix(3)) == Self.bytes("-1."), "stem gone, suffix first, extension cut at its end")
    }

    @Test("names under the limit are left whole; a leading dot is not an extension")
    func shortNames() {
        #expect(DestinationNamer.suffixed(RawPath("rejected/a/cat.png"), "-1") == RawPath("rejected/a/cat-1.png"))
        #expect(DestinationNamer.suffixed(RawPath(".hidden"), "-2") == RawPath(".hidden-2"))
        #expect(DestinationNamer.suffixed(RawPath("x.tar.gz"), "-r1") == RawPath("x.tar-r1.gz"))
    }

    @Test("unique: a name taken on disk or earlier in the batch gets the next number")
    func uniqueInFolderAndBatch() throws {
        let root = try TemporaryRoot("namer")
        try root.write([1], to: "archive/labeled/a/cat.png")
        let namer = DestinationNamer(root: try Directory.open(path: root.path))
        var planned = PlannedNames()
        let first = namer.unique("archive/labeled", RawPath("a/cat.png"), planned: &planned)
        let second = namer.unique("archive/labeled", RawPath("a/cat.png"), planned: &planned)
        let fresh = namer.unique("archive/labeled", RawPath("a/dog.png"), planned: &planned)
        #expect(first == RawPath("archive/labeled/a/cat-1.png"))
        #expect(second == RawPath("archive/labeled/a/cat-2.png"))
        #expect(fresh == RawPath("archive/labeled/a/dog.png"))
        #expect(planned.chosen.count == 3)
    }

    @Test("a name an earlier batch chose is taken while its file may still be on its way; it is not this batch's own")
    func earlierBatchNamesAreTaken() throws {
        let root = try TemporaryRoot("namer-earlier")
        let namer = DestinationNamer(root: try Directory.open(path: root.path))
        var planned = PlannedNames(earlier: [[RawPath("archive/labeled/a/cat.png")], [RawPath("archive/labeled/a/cat-1.png")]])
        let name = namer.unannounced("archive/labeled", RawPath("a/cat.png"), planned: &planned)
        #expect(name == RawPath("archive/labeled/a/cat-2.png"))
        #expect(planned.chosen == [name])
    }
}
