import Foundation
import MCNDImaging
import Testing

/// mcnd's decode + composite + luma (+ 2× area shrink) against Pillow on every
/// file of the shared corpus, with one Python process for all files.
@Suite struct PillowParityTests {
    struct Reference: Decodable {
        let path: String
        let width: Int?
        let height: Int?
        let half_width: Int?
        let half_height: Int?
        let error: String?
        let correction: String?
    }

    struct Comparison {
        let path: String
        let full: Int
        let half: Int
        /// Against Pillow with its documented bug corrected, when it applies.
        let fixed: (full: Int, half: Int)?
        let correction: String?
    }

    /// Files where plain Pillow is wrong and mcnd (libpng) is right, with the
    /// reason. Pillow widens 2- and 4-bit gray samples to 8 bits but compares
    /// them with the tRNS value unscaled, so it marks the wrong gray level
    /// transparent (or none). These are compared with Pillow after scaling
    /// the tRNS value (pillow_decode.py does that and says so), and the test
    /// also checks that plain Pillow really differs, so the list cannot go
    /// stale. No other file may differ, and no file is skipped.
    static let pillowDeviations: [String: String] = {
        let reason = "Pillow does not scale the tRNS gray value of 2/4-bit gray images"
        let files = [
            "pngsuite/ftbbn0g04.png", "pngsuite/interlaced/iftbbn0g04.png",
            "libpng-testpngs/gray-2-tRNS.png", "libpng-testpngs/gray-2-1.8-tRNS.png",
            "libpng-testpngs/gray-2-linear-tRNS.png", "libpng-testpngs/gray-2-sRGB-tRNS.png",
            "libpng-testpngs/gray-4-tRNS.png", "libpng-testpngs/gray-4-1.8-tRNS.png",
            "libpng-testpngs/gray-4-linear-tRNS.png", "libpng-testpngs/gray-4-sRGB-tRNS.png",
        ]
        return Dictionary(uniqueKeysWithValues: files.map { ($0, reason) })
    }()

    /// Crashers where Pillow and libpng disagree on accepting the file, with
    /// the reason. (Outside crashers/ there are none: the parity test below
    /// requires Pillow to accept every file mcnd decodes.)
    static let acceptanceDifferences: [String: (pillowAccepts: Bool, reason: String)] = [
        "libpng-testpngs/crashers/badcrc.png":
            (true, "Pillow does not verify the IDAT CRC; mcnd rejects it as corrupt"),
        "libpng-testpngs/crashers/huge_IDAT.png":
            (true, "Pillow decodes the 2×2 pixels present; the IDAT declares 1 GiB, so mcnd rejects it as truncated"),
        "libpng-testpngs/crashers/empty_ancillary_chunks.png":
            (false, "Pillow rejects an empty cHRM chunk; libpng ignores bad ancillary chunks and mcnd decodes the 1×1 image"),
    ]

    /// The comparisons, and Pillow's verdict (accepts?) for every crasher.
    /// The test's traits skip it when the corpus or Pillow is missing.
    static func compareAll() throws -> (comparisons: [Comparison], crashers: [String: Bool]) {
        let files = Corpus.parityFiles
        let crashers = Corpus.files(in: "libpng-testpngs/crashers")
        let script = Corpus.packageRoot.appendingPathComponent("scripts/peers/pillow_decode.py").path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("mcnd-parity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let input = (files + crashers).map { Corpus.pngRoot.appendingPathComponent($0).path }.joined(separator: "\n")
        let run = try #require(runPython([script, "reference", out.path], input: input))
        try #require(run.status == 0, "pillow_decode.py failed: \(run.stderr)")
        let manifest = try JSONDecoder().decode(
            [Reference].self, from: Data(contentsOf: out.appendingPathComponent("manifest.json")))
        try #require(manifest.count == files.count + crashers.count)
        let crasherVerdicts = Dictionary(uniqueKeysWithValues: zip(crashers, manifest[files.count...]).map { ($0, $1.error == nil) })

        var comparisons: [Comparison] = []
        for (n, (file, ref)) in zip(files, manifest).enumerated() {
            #expect(ref.error == nil, "Pillow rejects \(file): \(ref.error ?? "")")
            let image = try PNGCodec.decode(Corpus.bytes(file))
            guard let w = ref.width, let h = ref.height, let hw = ref.half_width, let hh = ref.half_height else { continue }
            #expect(image.width == w && image.height == h, "\(file): size \(image.width)×\(image.height) vs Pillow \(w)×\(h)")
            let full = ImageNormalizer(spec: NormalizationSpec(width: w, height: h)).flattened(image).pixels
            let half = ImageNormalizer(spec: NormalizationSpec(width: hw, height: hh)).normalize(image)
            let pillowFull = [UInt8](try Data(contentsOf: out.appendingPathComponent("\(n).full")))
            let pillowHalf = [UInt8](try Data(contentsOf: out.appendingPathComponent("\(n).half")))
            try #require(pillowFull.count == full.count && pillowHalf.count == half.count)
            var fixed: (Int, Int)?
            if ref.correction != nil {
                let fixedFull = [UInt8](try Data(contentsOf: out.appendingPathComponent("\(n).fixed.full")))
                let fixedHalf = [UInt8](try Data(contentsOf: out.appendingPathComponent("\(n).fixed.half")))
                fixed = (maxDelta(full, fixedFull), maxDelta(half, fixedHalf))
            }
            comparisons.append(
                Comparison(
                    path: file, full: maxDelta(full, pillowFull), half: maxDelta(half, pillowHalf),
                    fixed: fixed, correction: ref.correction))
        }
        return (comparisons, crasherVerdicts)
    }

    static func maxDelta(_ a: [UInt8], _ b: [UInt8]) -> Int {
        zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    @Test(
        .enabled(if: Corpus.available, "the shared PNG corpus (../shared/testdata/png) is not beside the repo"),
        .enabled(if: pillowAvailable, "python3 with Pillow (PIL) is not available"))
    func everyCorpusFileMatchesPillowWithinOneLevel() throws {
        let (comparisons, verdicts) = try Self.compareAll()
        // Crashers: mcnd and Pillow agree on accept/reject except where listed.
        #expect(verdicts.count >= 20)
        for (file, pillowAccepts) in verdicts.sorted(by: { $0.key < $1.key }) {
            let mcndAccepts = (try? PNGCodec.decode(Corpus.bytes(file))) != nil
            if let listed = Self.acceptanceDifferences[file] {
                #expect(pillowAccepts == listed.pillowAccepts && mcndAccepts != pillowAccepts, "\(file): \(listed.reason)")
            } else {
                #expect(mcndAccepts == pillowAccepts, "\(file): mcnd accepts \(mcndAccepts), Pillow \(pillowAccepts)")
            }
        }
        #expect(comparisons.count == Corpus.parityFiles.count)
        #expect(comparisons.count >= 170, "the corpus shrank: \(comparisons.count) files")
        var exact = 0
        for c in comparisons {
            if let reason = Self.pillowDeviations[c.path] {
                let fixed = try #require(c.fixed, "\(c.path) is listed (\(reason)) but Pillow needed no correction")
                #expect(c.full > 1, "\(c.path) is listed as a Pillow deviation but matches plain Pillow")
                #expect(fixed.full <= 1 && fixed.half <= 1, "\(c.path): Δ \(fixed) against corrected Pillow")
            } else {
                #expect(c.correction == nil, "\(c.path): Pillow was corrected (\(c.correction ?? "")) but the file is not listed")
                #expect(c.full <= 1, "\(c.path): max |Δ| \(c.full) at full size")
                #expect(c.half <= 1, "\(c.path): max |Δ| \(c.half) after a 2× area shrink")
                if c.full == 0 && c.half == 0 { exact += 1 }
            }
        }
        print(
            "Pillow parity: \(comparisons.count) files, \(exact) bit-identical, \(Self.pillowDeviations.count) documented Pillow deviations"
        )
    }
}
