// libFuzzer entry point for decode + normalize. This directory is not a
// SwiftPM target: scripts/fuzz-png compiles it together with the PNG and
// normalization sources of MCNDImaging using
// `swiftc -sanitize=fuzzer,address -parse-as-library`, so a plain
// `swift build` never sees it.

/// Limits kept small so that libFuzzer spends its time in the parser rather
/// than in 200 MB allocations; the limit checks themselves are exercised all
/// the more.
private let fuzzLimits = DecodeLimits(maxInputBytes: 1 << 20, maxPixels: 1 << 20, maxDecodedBytes: 1 << 23)

private let specs: [NormalizationSpec] = [
    .standard,
    NormalizationSpec(channels: .rgb, background: .white, width: 7, height: 5, aspect: .fit, invert: true),
    NormalizationSpec(background: NormalizationSpec.Color(red: 10, green: 200, blue: 30), width: 33, height: 3, aspect: .crop),
]

/// `bytes` with the CRC of every complete chunk recomputed, so that mutated
/// inputs get past libpng's CRC checks and into the parsers behind them.
private func fixingCRCs(_ bytes: [UInt8]) -> [UInt8] {
    var out = bytes
    var p = 8
    while p + 12 <= out.count {
        let n = Int(out[p]) << 24 | Int(out[p + 1]) << 16 | Int(out[p + 2]) << 8 | Int(out[p + 3])
        guard n <= out.count - p - 12 else { break }
        let crc = PNGChunks.crc32(Array(out[p + 4..<p + 8 + n]))
        out[p + 8 + n] = UInt8(crc >> 24)
        out[p + 9 + n] = UInt8(crc >> 16 & 0xFF)
        out[p + 10 + n] = UInt8(crc >> 8 & 0xFF)
        out[p + 11 + n] = UInt8(crc & 0xFF)
        p += 12 + n
    }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = Array(UnsafeBufferPointer(start: data, count: size))
    // Half of the inputs (by the last byte) get valid CRCs.
    let bytes = raw.last.map { $0 & 1 == 0 } == true ? fixingCRCs(raw) : raw
    let spec = specs[size % specs.count]
    do {
        let image = try PNGCodec.decode(bytes, limits: fuzzLimits)
        precondition(image.pixels.count == image.width * image.height * image.layout.channels)
        let out = ImageNormalizer(spec: spec, limits: fuzzLimits).normalize(image)
        precondition(out.count == spec.featureCount)
        // Deterministic: the same bytes decode to the same pixels.
        precondition((try? PNGCodec.decode(bytes, limits: fuzzLimits)) == image)
    } catch {
        precondition(ImageRejection.codes.contains(error.code) && !error.detail.isEmpty)
    }
    return 0
}
