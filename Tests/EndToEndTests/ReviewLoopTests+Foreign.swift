import Foundation
import MCNDImaging
import MCNDModel
import MCNDTestSupport

extension EndToEnd.ReviewLoopTests {
    /// Foreign 28×28 images besides PngSuite and noise, made here so that the
    /// familiarity checks are not tuned to one set: each set by its file-name prefix.
    enum Foreign: String, CaseIterable {
        /// t10k images with black and white swapped.
        case inverted = "inv-"
        /// Filled rectangles and ellipses, and lines, one to three per image.
        case shapes = "shp-"
        /// One grey level over the whole image, black to white.
        case uniform = "uni-"
        /// Checkerboards of squares 1 to 14 pixels wide.
        case checker = "chk-"

        /// The images of the set, as pixels (784 values each).
        func images(test: Fashion.Split) -> [[UInt8]] {
            var generator = SeededGenerator(seed: 0x666f72)
            switch self {
            case .inverted:
                return (0..<500).map { test.pixels($0).map { 255 - $0 } }
            case .shapes:
                return (0..<200).map { _ in
                    var image = [UInt8](repeating: 0, count: 784)
                    for _ in 0..<1 + Int(generator.next() % 3) { Self.draw(&image, &generator) }
                    return image
                }
            case .uniform:
                return (0...32).map { [UInt8](repeating: UInt8(min(255, $0 * 8)), count: 784) }
            case .checker:
                return [1, 2, 3, 4, 7, 14].flatMap { side in (0..<2).map { Self.checkerboard(side: side, phase: $0) } }
            }
        }

        /// One random rectangle, ellipse or line, in a grey level 80…255.
        static func draw(_ image: inout [UInt8], _ g: inout SeededGenerator) {
            let value = UInt8(80 + g.next() % 176)
            let a = (Int(g.next() % 28), Int(g.next() % 28)), b = (Int(g.next() % 28), Int(g.next() % 28))
            let (x0, x1, y0, y1) = (min(a.0, b.0), max(a.0, b.0), min(a.1, b.1), max(a.1, b.1))
            switch g.next() % 3 {
            case 0:
                for y in y0...y1 { for x in x0...x1 { image[y * 28 + x] = value } }
            case 1:
                let (cx, cy) = (Double(x0 + x1) / 2, Double(y0 + y1) / 2)
                let (rx, ry) = (max(Double(x1 - x0) / 2, 0.5), max(Double(y1 - y0) / 2, 0.5))
                for y in y0...y1 {
                    for x in x0...x1 where pow2((Double(x) - cx) / rx) + pow2((Double(y) - cy) / ry) <= 1 { image[y * 28 + x] = value }
                }
            default:
                let steps = max(abs(b.0 - a.0), abs(b.1 - a.1), 1)
                for s in 0...steps {
                    let x = a.0 + (b.0 - a.0) * s / steps, y = a.1 + (b.1 - a.1) * s / steps
                    image[y * 28 + x] = value
                }
            }
        }

        static func checkerboard(side: Int, phase: Int) -> [UInt8] {
            (0..<784).map { (p: Int) -> UInt8 in
                let (x, y) = (p % 28, p / 28)
                return (x / side + y / side + phase) % 2 == 0 ? 0 : 255
            }
        }

        static func pow2(_ v: Double) -> Double { v * v }

        /// Every set dropped as requests into `inbox`.
        static func drop(into inbox: URL, test: Fashion.Split) throws {
            for set in allCases {
                for (i, pixels) in set.images(test: test).enumerated() {
                    let png = try PNGCodec.encode(DecodedImage(width: 28, height: 28, layout: .gray, pixels: pixels))
                    try Files.drop(png, into: inbox, as: set.rawValue + String(format: "%03d.png", i))
                }
            }
        }
    }
}
