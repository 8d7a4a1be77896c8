import MCNDModel
import Testing

/// Scaling about the centre (`ImageAugmentation.scaleShare`, tried by
/// `mcnd-bench small-data --scale-share`): a point off the centre moves along
/// its ray by the factor, about the asked share of the images are scaled, and
/// the same seed gives the same rows.
struct ScaleAugmentationTests {
    /// Per row, the intensity-weighted centre (x, y) of a 9×9 image.
    static func centres(_ rows: FeatureRows) throws -> [(x: Double, y: Double)] {
        guard case .pixels(let out) = rows.storage else { throw ScaleTestFailure.notPixels }
        return (0..<rows.count).map { r in
            var sum = 0.0, x = 0.0, y = 0.0
            for i in 0..<81 {
                let v = Double(out[r * 81 + i])
                sum += v
                x += v * Double(i % 9)
                y += v * Double(i / 9)
            }
            return sum > 0 ? (x / sum, y / sum) : (-1, -1)
        }
    }

    @Test("a point two pixels right of the centre lands 2·(1 ± max_scale) from it, on its row, for about the share of the images")
    func scaledAboutTheCentre() throws {
        var pixels = [UInt8](repeating: 0, count: 81)
        pixels[4 * 9 + 6] = 200
        let rows = FeatureRows(pixels: Array((0..<1000).map { _ in pixels }.joined()), width: 81)
        var augmentation = ImageAugmentation(width: 9, height: 9, channels: 1, maxShift: 0)
        augmentation.scaleShare = 0.5
        augmentation.maxScale = 0.1
        #expect(augmentation.moves)
        var a = SeededGenerator(seed: 11), b = SeededGenerator(seed: 11)
        let labels = [Int32](repeating: 0, count: 1000)
        let scaled = augmentation.apply(to: rows, labels: labels, generator: &a)
        let again = augmentation.apply(to: rows, labels: labels, generator: &b)
        guard case .pixels(let first) = scaled.storage, case .pixels(let second) = again.storage else {
            throw ScaleTestFailure.notPixels
        }
        #expect(first == second, "the same seed gives the same rows")
        let centres = try Self.centres(scaled)
        #expect(centres.allSatisfy { abs($0.y - 4) < 0.02 }, "the point stays on the centre's row (rounding aside)")
        #expect(
            centres.allSatisfy { $0.x >= 4 + 2 * 0.9 - 0.15 && $0.x <= 4 + 2 * 1.1 + 0.15 },
            "\(centres.map(\.x).min()!)…\(centres.map(\.x).max()!)")
        let moved = Double(centres.filter { abs($0.x - 6) > 1e-9 }.count) / 1000
        #expect(abs(moved - 0.5) < 0.06, "\(moved) of the images scaled")
        #expect(centres.contains { $0.x < 5.95 } && centres.contains { $0.x > 6.05 }, "both smaller and larger")
    }
}

enum ScaleTestFailure: Error { case notPixels }
