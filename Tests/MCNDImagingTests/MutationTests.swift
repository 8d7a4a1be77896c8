import MCNDImaging
import Testing

/// 20,000 seeded random mutations and truncations of the corpus: each must
/// decode to a consistent image or be rejected with a stable reason code —
/// never crash, never hang. (The open-ended search is scripts/fuzz-png.)
@Suite struct MutationTests {
    static let total = 20_000
    static let shards = 4

    /// SplitMix64: small, seedable, the same on every platform.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The shared corpus (crashers and bad palettes included) plus a few PNGs
    /// made here, so the test means something without the corpus too.
    static let seeds: [[UInt8]] = {
        var out: [[UInt8]] = []
        if Corpus.available {
            let files = Corpus.files(in: "pngsuite") + Corpus.files(in: "libpng-testpngs")
            out += files.compactMap { try? Corpus.bytes($0) }
        }
        var rng = SplitMix64(state: 7)
        for layout in PixelLayout.allCases {
            let (w, h) = (5 + layout.rawValue, 4)
            let pixels = (0..<w * h * layout.channels).map { _ in UInt8.random(in: 0...255, using: &rng) }
            out.append(try! PNGCodec.encode(DecodedImage(width: w, height: h, layout: layout, pixels: pixels)))
        }
        return out
    }()

    /// Recomputes the CRC of every complete chunk, so that mutations reach
    /// the parsers behind libpng's CRC check.
    static func fixingCRCs(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        var p = 8
        while p + 12 <= out.count {
            let n = Int(out[p]) << 24 | Int(out[p + 1]) << 16 | Int(out[p + 2]) << 8 | Int(out[p + 3])
            guard n <= out.count - p - 12 else { break }
            let crc = CRC32.of(out[p + 4..<p + 8 + n])
            out.replaceSubrange(p + 8 + n..<p + 12 + n, with: PNGBuilder.be32(crc))
            p += 12 + n
        }
        return out
    }

    static func mutate(_ seed: [UInt8], using rng: inout SplitMix64) -> [UInt8] {
        var b = seed
        switch Int.random(in: 0..<7, using: &rng) {
        case 0:  // truncate
            return Array(b.prefix(Int.random(in: 0..<b.count, using: &rng)))
        case 1:  // flip bits
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                b[Int.random(in: 0..<b.count, using: &rng)] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            }
        case 2:  // overwrite bytes
            for _ in 0..<Int.random(in: 1...16, using: &rng) {
                b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
        case 3:  // extreme 32-bit values (lengths, sizes)
            let at = Int.random(in: 0..<max(1, b.count - 4), using: &rng)
            let value: UInt32 = [0, 1, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000, 100_000, 65_535].randomElement(using: &rng)!
            if at + 4 <= b.count { b.replaceSubrange(at..<at + 4, with: PNGBuilder.be32(value)) }
        case 4:  // insert random bytes
            let at = Int.random(in: 0...b.count, using: &rng)
            b.insert(contentsOf: (0..<Int.random(in: 1...32, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
        case 5:  // delete a range
            let at = Int.random(in: 0..<b.count, using: &rng)
            b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...64, using: &rng)))
        default:  // duplicate a range somewhere else
            let at = Int.random(in: 0..<b.count, using: &rng)
            let piece = Array(b[at..<min(b.count, at + Int.random(in: 1...128, using: &rng))])
            b.insert(contentsOf: piece, at: Int.random(in: 0...b.count, using: &rng))
        }
        return Bool.random(using: &rng) ? fixingCRCs(b) : b
    }

    @Test(arguments: 0..<shards)
    func mutatedInputsDecodeOrAreRejectedWithAReason(shard: Int) {
        var rng = SplitMix64(state: 0x6D63_6E64 &+ UInt64(shard))
        let normalizer = ImageNormalizer(spec: NormalizationSpec(width: 8, height: 8))
        let limits = DecodeLimits(maxPixels: 1 << 22)
        var tally: [String: Int] = [:]
        for _ in 0..<Self.total / Self.shards {
            let input = Self.mutate(Self.seeds.randomElement(using: &rng)!, using: &rng)
            do {
                let image = try PNGCodec.decode(input, limits: limits)
                #expect(image.pixels.count == image.width * image.height * image.layout.channels)
                #expect(normalizer.normalize(image).count == 64)
                tally["decoded", default: 0] += 1
            } catch {
                #expect(ImageRejection.codes.contains(error.code))
                #expect(!error.detail.isEmpty)
                tally[error.code, default: 0] += 1
            }
        }
        #expect(tally.values.reduce(0, +) == Self.total / Self.shards)
        #expect(tally["decoded", default: 0] > 0 && tally["truncated", default: 0] > 0 && tally["corrupt", default: 0] > 0)
        print("mutation shard \(shard): \(tally.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
    }
}
