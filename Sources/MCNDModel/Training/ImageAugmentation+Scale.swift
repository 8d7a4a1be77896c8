import Foundation

/// Scaling and turning about the image centre, beside the shifts of
/// `ImageAugmentation`: a
/// network without convolutions sees an item drawn a little larger or smaller
/// as different pixels, and few examples show few sizes.
extension ImageAugmentation {
    /// Three draws: whether this row is scaled and turned (`scaleShare`), by
    /// how much (uniform in 1 ± `maxScale`) and by what angle (uniform in
    /// ± `maxRotation` degrees); nil when it is not.
    func scaleFactor(_ generator: inout SeededGenerator) -> (factor: Double, radians: Double)? {
        let scaled = generator.unit() < scaleShare
        let amount = generator.unit(), turn = generator.unit()
        guard scaled, maxScale > 0 || maxRotation > 0 else { return nil }
        return (1 + maxScale * (2 * amount - 1), maxRotation * (2 * turn - 1) * Double.pi / 180)
    }

    /// Writes one row scaled by `factor` about its centre, then mirrored and
    /// moved by (dx, dy) like the other rows: destination (x, y) reads the
    /// source bilinearly at the point that lands there; outside the image, 0.
    func scaleRow(
        _ src: UnsafeBufferPointer<UInt8>, _ dst: UnsafeMutableBufferPointer<UInt8>,
        base: Int, factor: Double, radians: Double = 0, dx: Int, dy: Int, mirror: Bool
    ) {
        let w = width, h = height, c = channels
        let cx = Double(w - 1) / 2, cy = Double(h - 1) / 2
        // The inverse map: destination offsets from the centre turned back by the angle, then shrunk by the factor.
        let cosine = cos(radians) / factor, sine = sin(radians) / factor
        func at(_ x: Int, _ y: Int, _ k: Int) -> Double {
            x < 0 || y < 0 || x >= w || y >= h ? 0 : Double(src[base + (y * w + x) * c + k])
        }
        for y in 0..<h {
            let v = Double(y - dy) - cy
            for x in 0..<w {
                let mx = x - dx
                let u = Double(mirror ? w - 1 - mx : mx) - cx
                let fx = cosine * u + sine * v + cx, fy = -sine * u + cosine * v + cy
                let x0 = Int(fx.rounded(.down)), tx = fx - Double(x0)
                let y0 = Int(fy.rounded(.down)), ty = fy - Double(y0)
                for k in 0..<c {
                    let top = at(x0, y0, k) * (1 - tx) + at(x0 + 1, y0, k) * tx
                    let bottom = at(x0, y0 + 1, k) * (1 - tx) + at(x0 + 1, y0 + 1, k) * tx
                    let value = top * (1 - ty) + bottom * ty
                    dst[base + (y * w + x) * c + k] = UInt8(min(255, max(0, value.rounded())))
                }
            }
        }
    }
}
