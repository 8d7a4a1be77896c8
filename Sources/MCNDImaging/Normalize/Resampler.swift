/// Separable resampling of 8-bit interleaved images: area averaging along an
/// axis that shrinks, bilinear interpolation (pixel centres aligned, edges
/// clamped) along an axis that grows, a plain copy along an axis that keeps
/// its size.
struct Resampler {
    /// For each output index, a run of consecutive source indices and their
    /// weights (which sum to 1).
    struct AxisWeights {
        var starts: [Int] = []
        var counts: [Int] = []
        var offsets: [Int] = []
        var weights: [Float] = []

        /// Weights mapping source indices `origin ..< origin + sourceLength`
        /// onto `outputLength` outputs.
        init(origin: Int, sourceLength: Int, outputLength: Int) {
            starts.reserveCapacity(outputLength)
            counts.reserveCapacity(outputLength)
            offsets.reserveCapacity(outputLength)
            if outputLength == sourceLength {
                for i in 0..<outputLength {
                    begin(origin + i)
                    add(1)
                }
            } else if outputLength < sourceLength {
                // Output i covers source interval [i·s, (i+1)·s); each source
                // pixel contributes the length of its overlap.
                weights.reserveCapacity(sourceLength + 2 * outputLength)
                let s = Double(sourceLength) / Double(outputLength)
                for i in 0..<outputLength {
                    let lo = Double(i) * s
                    let hi = min(Double(i + 1) * s, Double(sourceLength))
                    let first = Int(lo.rounded(.down))
                    let last = max(first, min(Int(hi.rounded(.up)), sourceLength) - 1)
                    begin(origin + first)
                    for j in first...last {
                        add(Float(max(0, min(hi, Double(j + 1)) - max(lo, Double(j))) / (hi - lo)))
                    }
                }
            } else {
                let scale = Double(sourceLength) / Double(outputLength)
                for i in 0..<outputLength {
                    let centre = (Double(i) + 0.5) * scale - 0.5
                    let clamped = min(max(centre, 0), Double(sourceLength - 1))
                    let left = min(Int(clamped.rounded(.down)), sourceLength - 1)
                    let fraction = Float(clamped - Double(left))
                    begin(origin + left)
                    if left + 1 < sourceLength && fraction > 0 {
                        add(1 - fraction)
                        add(fraction)
                    } else {
                        add(1)
                    }
                }
            }
        }

        /// Starts the run of the next output at source index `start`.
        private mutating func begin(_ start: Int) {
            starts.append(start)
            counts.append(0)
            offsets.append(weights.count)
        }

        /// Adds the next source index's weight to the current run.
        private mutating func add(_ weight: Float) {
            weights.append(weight)
            counts[counts.count - 1] += 1
        }
    }

    /// Resamples the window `x0 ..< x0 + windowWidth`, `y0 ..< y0 + windowHeight`
    /// of `source` (`sourceWidth` pixels per row, `channels` bytes per pixel)
    /// to `outputWidth` × `outputHeight`.
    static func resample(
        _ source: [UInt8], sourceWidth: Int, channels: Int,
        x0: Int, y0: Int, windowWidth: Int, windowHeight: Int,
        outputWidth: Int, outputHeight: Int
    ) -> [UInt8] {
        let horizontal = AxisWeights(origin: x0, sourceLength: windowWidth, outputLength: outputWidth)
        let vertical = AxisWeights(origin: y0, sourceLength: windowHeight, outputLength: outputHeight)
        let rowLength = outputWidth * channels

        // Pass 1: every source row of the window, resampled horizontally.
        var rows = [Float](repeating: 0, count: windowHeight * rowLength)
        source.withUnsafeBufferPointer { src in
            rows.withUnsafeMutableBufferPointer { dst in
                horizontal.weights.withUnsafeBufferPointer { w in
                    for r in 0..<windowHeight {
                        let srcRow = (y0 + r) * sourceWidth * channels
                        let dstRow = r * rowLength
                        for o in 0..<outputWidth {
                            let start = horizontal.starts[o], count = horizontal.counts[o], offset = horizontal.offsets[o]
                            for c in 0..<channels {
                                var sum: Float = 0
                                var p = srcRow + start * channels + c
                                for k in 0..<count {
                                    sum += Float(src[p]) * w[offset + k]
                                    p += channels
                                }
                                dst[dstRow + o * channels + c] = sum
                            }
                        }
                    }
                }
            }
        }

        // Pass 2: vertically, then round to bytes.
        return [UInt8](unsafeUninitializedCapacity: outputHeight * rowLength) { out, count in
            rows.withUnsafeBufferPointer { src in
                vertical.weights.withUnsafeBufferPointer { w in
                    for o in 0..<outputHeight {
                        let start = vertical.starts[o] - y0, n = vertical.counts[o], offset = vertical.offsets[o]
                        for x in 0..<rowLength {
                            var sum: Float = 0
                            var p = start * rowLength + x
                            for k in 0..<n {
                                sum += src[p] * w[offset + k]
                                p += rowLength
                            }
                            out[o * rowLength + x] = UInt8(min(max(sum + 0.5, 0), 255).rounded(.down))
                        }
                    }
                }
            }
            count = outputHeight * rowLength
        }
    }
}
