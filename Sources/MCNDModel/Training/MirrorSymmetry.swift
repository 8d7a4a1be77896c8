/// Which labels look alike in a mirror: a label's average image against its
/// own left–right mirror image. Shirts and bags are (mirroring one gives
/// another plausible example); shoes, which all point one way in Fashion-MNIST,
/// and most digits and letters are not (their mirror image is another thing).
/// With `train.augment_flip: auto` the cross-validation tries mirroring the
/// symmetric labels only.
public enum MirrorSymmetry {
    /// The correlation of a label's mean image with its mirror at or above which it is symmetric.
    public static let threshold = 0.9

    /// Per label index, whether its mean image correlates with its mirror image by ≥ `threshold`.
    /// Rows of other storage than pixels, or of another width, have none.
    public static func labels(
        rows: FeatureRows, labels: [Int32], classes: Int, width: Int, height: Int, channels: Int
    ) -> [Bool] {
        let features = width * height * channels
        guard case .pixels(let pixels) = rows.storage, rows.width == features, width > 1 else {
            return [Bool](repeating: false, count: classes)
        }
        var sums = [Double](repeating: 0, count: classes * features)
        for (r, label) in labels.enumerated() {
            let base = Int(label) * features
            for i in 0..<features { sums[base + i] += Double(pixels[r * features + i]) }
        }
        return (0..<classes).map { label in
            let mean = sums[label * features..<(label + 1) * features]
            let mirror = (0..<features).map { i -> Double in
                let k = i % channels, x = (i / channels) % width, y = i / channels / width
                return mean[mean.startIndex + (y * width + (width - 1 - x)) * channels + k]
            }
            return correlation(Array(mean), mirror) >= threshold
        }
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count), ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var ab = 0.0, aa = 0.0, bb = 0.0
        for (x, y) in zip(a, b) {
            ab += (x - ma) * (y - mb)
            aa += (x - ma) * (x - ma)
            bb += (y - mb) * (y - mb)
        }
        return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
    }
}
