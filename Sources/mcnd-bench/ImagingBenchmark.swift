import Glibc
import MCNDImaging

/// `mcnd-bench imaging [--write DIR] [--small N] [--large N]`
///
/// Times decode + normalize (28×28 gray, the defaults) from memory for two
/// inputs made here: a 28×28 gray PNG and a 1000×1000 RGBA PNG. With
/// `--write DIR` it also writes them to DIR/gray28.png and DIR/rgba1000.png so
/// that scripts/bench-imaging can time Pillow on the same bytes. Prints one
/// line per input: `name median min max` in microseconds.
enum ImagingBenchmark {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ arguments: [String]) throws {
        var directory: String?
        var smallRuns = 20_000
        var largeRuns = 60
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw Failure(description: "\(flag) needs a value") }
            switch flag {
            case "--write": directory = value
            case "--small": smallRuns = Int(value) ?? smallRuns
            case "--large": largeRuns = Int(value) ?? largeRuns
            default: throw Failure(description: "unknown option \(flag)")
            }
        }

        let small = try PNGCodec.encode(grayDigit())
        let large = try PNGCodec.encode(rgbaPhoto())
        if let directory {
            try write(small, to: directory + "/gray28.png")
            try write(large, to: directory + "/rgba1000.png")
        }
        let normalizer = ImageNormalizer()
        // Sanity: both normalize to the model's 784 inputs.
        guard try normalizer.normalize(png: small).count == 784, try normalizer.normalize(png: large).count == 784 else {
            throw Failure(description: "normalization produced the wrong size")
        }
        report("gray28", try time(smallRuns) { try normalizer.normalize(png: small) })
        report("rgba1000", try time(largeRuns) { try normalizer.normalize(png: large) })
    }

    /// A 28×28 gray image shaped like a Fashion-MNIST item: a bright blob
    /// with soft edges on black.
    static func grayDigit() -> DecodedImage {
        var pixels = [UInt8](repeating: 0, count: 784)
        for y in 0..<28 {
            for x in 0..<28 {
                let dx = Double(x) - 13.5, dy = (Double(y) - 13.5) * 0.8
                let d = (dx * dx + dy * dy).squareRoot()
                let v = d < 9 ? 200 + (x * 7 + y * 13) % 40 : d < 12 ? Int((12 - d) / 3 * 200) : 0
                pixels[y * 28 + x] = UInt8(min(255, v))
            }
        }
        return DecodedImage(width: 28, height: 28, layout: .gray, pixels: pixels)
    }

    /// A 1000×1000 RGBA image with gradients, texture and a partly
    /// transparent region, so that it compresses like a photo-ish image.
    static func rgbaPhoto() -> DecodedImage {
        let n = 1000
        var pixels = [UInt8](repeating: 0, count: n * n * 4)
        var state: UInt32 = 12345
        for y in 0..<n {
            for x in 0..<n {
                state = state &* 1_664_525 &+ 1_013_904_223
                let noise = Int(state >> 28)
                let i = (y * n + x) * 4
                pixels[i] = UInt8((x * 255 / n + noise) & 0xFF)
                pixels[i + 1] = UInt8((y * 255 / n + noise / 2) & 0xFF)
                pixels[i + 2] = UInt8(((x + y) * 255 / (2 * n)) & 0xFF)
                let dx = x - 500, dy = y - 500
                pixels[i + 3] = dx * dx + dy * dy < 300 * 300 ? 255 : UInt8((x ^ y) & 0xFF)
            }
        }
        return DecodedImage(width: n, height: n, layout: .rgba, pixels: pixels)
    }

    /// Per-run times in microseconds, after a warm-up of a tenth of the runs.
    static func time(_ runs: Int, _ body: () throws -> [UInt8]) throws -> [Double] {
        var sink = 0
        for _ in 0..<max(3, runs / 10) { sink &+= try body().count }
        var times: [Double] = []
        times.reserveCapacity(runs)
        for _ in 0..<runs {
            var start = timespec(), end = timespec()
            clock_gettime(CLOCK_MONOTONIC, &start)
            sink &+= try body().count
            clock_gettime(CLOCK_MONOTONIC, &end)
            times.append(Double(end.tv_sec - start.tv_sec) * 1e6 + Double(end.tv_nsec - start.tv_nsec) / 1e3)
        }
        if sink == 42 { print("") }  // keeps the work observable
        return times
    }

    static func report(_ name: String, _ times: [Double]) {
        let sorted = times.sorted()
        let median =
            sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        print("\(name) \(format(median)) \(format(sorted.first ?? 0)) \(format(sorted.last ?? 0))")
    }

    static func format(_ v: Double) -> String {
        let scaled = Int((v * 100).rounded())
        let fraction = scaled % 100
        return "\(scaled / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else { throw Failure(description: "cannot create \(path)") }
        defer { fclose(file) }
        guard bytes.withUnsafeBytes({ fwrite($0.baseAddress, 1, $0.count, file) }) == bytes.count else {
            throw Failure(description: "cannot write \(path)")
        }
    }
}
