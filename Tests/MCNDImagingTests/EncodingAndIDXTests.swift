import Foundation
import MCNDImaging
import MCNDModel
import Testing

@Suite struct EncodingAndIDXTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mcnd-idx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: PixelLayout.allCases)
    func encodeDecodeRoundTripsExactly(layout: PixelLayout) throws {
        var rng = MutationTests.SplitMix64(state: UInt64(layout.rawValue))
        for (w, h) in [(1, 1), (28, 28), (31, 7), (200, 3)] {
            let pixels = (0..<w * h * layout.channels).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let image = DecodedImage(width: w, height: h, layout: layout, pixels: pixels)
            let png = try PNGCodec.encode(image)
            #expect(png.starts(with: PNGChunks.signature))
            let header = try PNGCodec.readHeader(png)
            #expect(header.width == w && header.height == h && header.layout == layout && !header.sixteenBit)
            #expect(try PNGCodec.decode(png) == image)
        }
    }

    @Test func encodedFilesAreEightBitPNGsPillowReads() throws {
        // IHDR of an encoded gray image: bit depth 8, colour type 0; RGB: type 2.
        let gray = try PNGCodec.encode(DecodedImage(width: 2, height: 2, layout: .gray, pixels: [0, 1, 2, 3]))
        let rgb = try PNGCodec.encode(DecodedImage(width: 1, height: 1, layout: .rgb, pixels: [9, 8, 7]))
        #expect(Array(gray[24...25]) == [8, 0])
        #expect(Array(rgb[24...25]) == [8, 2])
    }

    /// A small IDX pair written by the test: 5 images of 3×2, labels 0…2.
    static func smallIDX() -> (IDXFile, IDXFile) {
        let pixels = (0..<30).map { UInt8($0 * 8) }
        return (IDXFile(dimensions: [5, 2, 3], bytes: pixels), IDXFile(dimensions: [5], bytes: [0, 2, 1, 2, 0]))
    }

    @Test func importsASmallIDXExactly() throws {
        let (images, labels) = Self.smallIDX()
        let importer = try IDXImporter(images: images, labels: labels)
        #expect(importer.names == ["0", "1", "2"])  // not 28×28: label numbers
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try importer.write(to: dir.path + "/out")
        #expect(summary.written == 5)
        #expect(summary.counts.map(\.count) == [2, 1, 2])
        let expected: [String: [String]] = ["0": ["0.png", "4.png"], "1": ["2.png"], "2": ["1.png", "3.png"]]
        for (label, files) in expected {
            let listed = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/out/" + label).sorted()
            #expect(listed == files, "no temporary files are left behind")
            for file in files {
                let index = Int(file.dropLast(4))!
                let png = [UInt8](try Data(contentsOf: dir.appendingPathComponent("out/\(label)/\(file)")))
                let decoded = try PNGCodec.decode(png)
                #expect(decoded.layout == .gray && decoded.width == 3 && decoded.height == 2)
                #expect(decoded.pixels == Array(images.bytes[index * 6..<index * 6 + 6]))
            }
        }
    }

    @Test func namesAreChosenAndValidated() throws {
        let (images, labels) = Self.smallIDX()
        #expect(try IDXImporter(images: images, labels: labels, names: ["a", "b", "c"]).names == ["a", "b", "c"])
        #expect(try IDXImporter(images: images, labels: labels, names: ["a", "b", "c"]).name(at: 1) == "c")
        for bad in [
            ["a", "b"], ["a", "b/c", "d"], ["a", ".b", "c"], ["_a", "b", "c"], ["a", "", "c"], ["a", "a", "c"], ["a", "b\n", "c"],
        ] {
            #expect(throws: IDXImporter.Failure.self, "\(bad)") { try IDXImporter(images: images, labels: labels, names: bad) }
        }
        #expect(IDXImporter.folderNameProblem("T-shirt_top") == nil)
        #expect(IDXImporter.folderNameProblem("Ankle boot") == nil)
        #expect(IDXImporter.folderNameProblem("..") != nil)

        // 28×28 with labels 0…9 looks like Fashion-MNIST: its class names.
        let fashion = IDXFile(dimensions: [2, 28, 28], bytes: [UInt8](repeating: 3, count: 2 * 784))
        let importer = try IDXImporter(images: fashion, labels: IDXFile(dimensions: [2], bytes: [9, 0]))
        #expect(
            importer.names == ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"])
        #expect(importer.name(at: 0) == "Ankle_boot")

        // Mismatched files.
        #expect(throws: IDXImporter.Failure.self) { try IDXImporter(images: fashion, labels: IDXFile(dimensions: [3], bytes: [0, 1, 2])) }
        #expect(throws: IDXImporter.Failure.self) {
            try IDXImporter(images: IDXFile(dimensions: [4], bytes: [0, 1, 2, 3]), labels: labels)
        }
    }

    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: FashionMNIST.directory + "/t10k-images-idx3-ubyte.gz"),
            "Fashion-MNIST is not installed (Debian package dataset-fashion-mnist)"))
    func fashionMNISTRoundTripsThroughPNG() throws {
        let directory = FashionMNIST.directory
        let imagesPath = directory + "/t10k-images-idx3-ubyte.gz", labelsPath = directory + "/t10k-labels-idx1-ubyte.gz"
        let importer = try IDXImporter(imagesPath: imagesPath, labelsPath: labelsPath)
        #expect(importer.names == FashionMNIST.classNames)
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try importer.write(to: dir.path)
        #expect(summary.written == 10_000)
        #expect(summary.counts.allSatisfy { $0.count == 1000 })
        // Every file decodes to exactly the IDX bytes, and normalizes (28×28
        // gray, defaults) to the same bytes again.
        var mismatches = 0
        for index in 0..<10_000 {
            let path = dir.path + "/" + importer.name(at: index) + "/\(index).png"
            let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let original = importer.image(at: index).pixels
            if try PNGCodec.decode(png).pixels != original || ImageNormalizer().normalize(png: png) != original { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}
