import MCNDFileSystem

/// An IDX file of unsigned bytes (the MNIST/Fashion-MNIST format), gzipped or not.
public struct IDXFile: Sendable {
    /// Sizes of the dimensions, outermost first (e.g. `[60000, 28, 28]`).
    public let dimensions: [Int]
    /// The values, row-major.
    public let bytes: [UInt8]

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case notIDX(path: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
            case .notIDX(let path, let reason): "\(path) is not an unsigned-byte IDX file: \(reason)"
            }
        }
    }

    public init(dimensions: [Int], bytes: [UInt8]) {
        precondition(dimensions.reduce(1, *) == bytes.count, "dimensions do not match the byte count")
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// Reads and, when it starts with the gzip magic, inflates `path`.
    public static func read(path: String) throws -> IDXFile {
        var raw = try LocalFile.read(path: path)
        if Zlib.isGzip(raw) {
            do { raw = try Zlib.gunzip(raw) } catch {
                throw Failure.notIDX(path: path, reason: "bad gzip data (\(error))")
            }
        }
        return try parse(raw, path: path)
    }

    /// Parses IDX bytes: two zero bytes, type 0x08 (unsigned byte), the
    /// dimension count, big-endian 32-bit sizes, then the data.
    public static func parse(_ raw: [UInt8], path: String = "<memory>") throws -> IDXFile {
        guard raw.count >= 4, raw[0] == 0, raw[1] == 0 else { throw Failure.notIDX(path: path, reason: "bad magic number") }
        guard raw[2] == 0x08 else {
            throw Failure.notIDX(path: path, reason: "element type 0x\(String(raw[2], radix: 16)) is not unsigned byte")
        }
        let rank = Int(raw[3])
        let header = 4 + 4 * rank
        guard rank > 0, raw.count >= header else { throw Failure.notIDX(path: path, reason: "header is truncated") }
        var dimensions: [Int] = []
        for d in 0..<rank {
            let o = 4 + 4 * d
            dimensions.append(Int(raw[o]) << 24 | Int(raw[o + 1]) << 16 | Int(raw[o + 2]) << 8 | Int(raw[o + 3]))
        }
        let count = dimensions.reduce(1, *)
        guard raw.count - header == count else {
            throw Failure.notIDX(path: path, reason: "header promises \(count) values, file holds \(raw.count - header)")
        }
        return IDXFile(dimensions: dimensions, bytes: Array(raw[header...]))
    }

    /// The IDX encoding of this file (uncompressed).
    public func encoded() -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for d in dimensions { out += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
        return out + bytes
    }
}
