import CZlib

/// The only door to zlib: gunzip for the IDX dataset files and CRC-32 for the
/// model file's zip container.
public enum Zlib {
    enum Failure: Error, Equatable {
        case corrupt(String)
    }

    /// True when `bytes` start with the gzip magic number.
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Inflates a gzip stream (concatenated members included).
    static func gunzip(_ input: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 4)
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header; +32 would also accept zlib.
        guard mcnd_inflateInit2(&stream, 16 + 15) == Z_OK else { throw Failure.corrupt("inflateInit2 failed") }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 18
        var buffer = [UInt8](repeating: 0, count: chunk)
        try input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            while true {
                let status = buffer.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: buffer[0..<chunk - Int(stream.avail_out)])
                switch status {
                case Z_STREAM_END:
                    guard stream.avail_in > 0 else { return }
                    guard inflateReset(&stream) == Z_OK else { throw Failure.corrupt("inflateReset failed") }
                case Z_OK:
                    if stream.avail_in == 0 && stream.avail_out != 0 { throw Failure.corrupt("gzip stream ends early") }
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "inflate error \(status)"
                    throw Failure.corrupt(message)
                }
            }
        }
        return output
    }

    /// CRC-32 (the zip/PNG polynomial).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(CZlib.crc32(0, buffer.baseAddress, uInt(buffer.count)))
        }
    }
}
