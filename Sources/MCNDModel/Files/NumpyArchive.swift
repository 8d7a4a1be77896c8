/// A minimal `.npz` (an uncompressed zip of `.npy` arrays) writer and reader:
/// enough for `np.load("model.npz")` to return our arrays, and for us to read
/// back what we wrote. Float32 and uint8 arrays, little-endian, C order.
public struct NumpyArchive: Sendable, Equatable {
    public enum Array: Sendable, Equatable {
        case float32(shape: [Int], values: [Float])
        case uint8(shape: [Int], values: [UInt8])
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        public var description: String {
            switch self {
            case .malformed(let why): "not a readable .npz archive: \(why)"
            }
        }
    }

    /// Arrays by name (without the `.npy` suffix), kept in insertion order.
    public private(set) var names: [String] = []
    private var arrays: [String: Array] = [:]

    public init() {}

    public subscript(name: String) -> Array? {
        get { arrays[name] }
        set {
            if arrays[name] == nil, newValue != nil { names.append(name) }
            if newValue == nil { names.removeAll { $0 == name } }
            arrays[name] = newValue
        }
    }

    // MARK: Writing

    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for name in names {
            let file = Self.npy(arrays[name]!)
            let fileName = Swift.Array((name + ".npy").utf8)
            let crc = Zlib.crc32(file)
            let offset = out.count
            // Local file header: stored (method 0), no data descriptor.
            out.le32(0x0403_4B50)
            out.le16(20)
            out.le16(0)
            out.le16(0)
            out.le16(0)
            out.le16(0x21)  // 1980-01-01 00:00, fixed for reproducible files
            out.le32(crc)
            out.le32(UInt32(file.count))
            out.le32(UInt32(file.count))
            out.le16(UInt16(fileName.count))
            out.le16(0)
            out += fileName
            out += file
            central.le32(0x0201_4B50)
            central.le16(20)
            central.le16(20)
            central.le16(0)
            central.le16(0)
            central.le16(0)
            central.le16(0x21)
            central.le32(crc)
            central.le32(UInt32(file.count))
            central.le32(UInt32(file.count))
            central.le16(UInt16(fileName.count))
            central.le16(0)
            central.le16(0)
            central.le16(0)
            central.le16(0)
            central.le32(0)
            central.le32(UInt32(offset))
            central += fileName
        }
        let centralOffset = out.count
        out += central
        out.le32(0x0605_4B50)
        out.le16(0)
        out.le16(0)
        out.le16(UInt16(names.count))
        out.le16(UInt16(names.count))
        out.le32(UInt32(central.count))
        out.le32(UInt32(centralOffset))
        out.le16(0)
        return out
    }

    /// One `.npy` v1.0 file: magic, header dict padded to 64 bytes, raw data.
    static func npy(_ array: Array) -> [UInt8] {
        let (descr, shape, data): (String, [Int], [UInt8])
        switch array {
        case .float32(let s, let values):
            var bytes = [UInt8]()
            bytes.reserveCapacity(values.count * 4)
            for v in values { bytes.le32(v.bitPattern) }
            (descr, shape, data) = ("<f4", s, bytes)
        case .uint8(let s, let values):
            (descr, shape, data) = ("|u1", s, values)
        }
        let dims = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out: [UInt8] = [0x93] + Swift.Array("NUMPY".utf8) + [1, 0]
        out.le16(UInt16(header.utf8.count))
        return out + Swift.Array(header.utf8) + data
    }

    // MARK: Reading

    public init(decoding bytes: [UInt8]) throws {
        var reader = ByteReader(bytes)
        // Walk the local headers; we only read archives of stored entries.
        while try reader.peek32() == 0x0403_4B50 {
            try reader.skip(8)
            let method = try reader.le16()
            try reader.skip(4)
            let crc = try reader.le32()
            let size = Int(try reader.le32())
            let uncompressed = Int(try reader.le32())
            let nameLength = Int(try reader.le16()), extraLength = Int(try reader.le16())
            let name = String(decoding: try reader.take(nameLength), as: UTF8.self)
            try reader.skip(extraLength)
            guard method == 0, size == uncompressed else { throw Failure.malformed("\(name) is compressed") }
            let file = try reader.take(size)
            guard Zlib.crc32(file) == crc else { throw Failure.malformed("\(name) fails its CRC") }
            guard name.hasSuffix(".npy") else { continue }
            self[String(name.dropLast(4))] = try Self.parseNPY(file, name: name)
        }
    }

    static func parseNPY(_ file: [UInt8], name: String) throws -> Array {
        var reader = ByteReader(file)
        guard try reader.take(6) == [0x93] + Swift.Array("NUMPY".utf8) else { throw Failure.malformed("\(name) lacks the npy magic") }
        try reader.skip(2)
        let header = String(decoding: try reader.take(Int(try reader.le16())), as: UTF8.self)
        guard let open = header.firstIndex(of: "("), let close = header.firstIndex(of: ")") else {
            throw Failure.malformed("\(name) has no shape")
        }
        let shape = header[header.index(after: open)..<close].split(separator: ",")
            .compactMap { Int($0.trimmingCharacters(in: " ")) }
        let count = shape.reduce(1, *)
        if header.contains("'<f4'") {
            let data = try reader.take(count * 4)
            var values = [Float]()
            values.reserveCapacity(count)
            for i in 0..<count {
                let o = i * 4
                values.append(
                    Float(bitPattern: UInt32(data[o]) | UInt32(data[o + 1]) << 8 | UInt32(data[o + 2]) << 16 | UInt32(data[o + 3]) << 24))
            }
            return .float32(shape: shape, values: values)
        }
        if header.contains("'|u1'") { return .uint8(shape: shape, values: try reader.take(count)) }
        throw Failure.malformed("\(name) has an unsupported dtype")
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}

extension [UInt8] {
    mutating func le16(_ v: UInt16) {
        append(UInt8(v & 0xFF))
        append(UInt8(v >> 8))
    }
    mutating func le32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { append(UInt8(v >> UInt32(s) & 0xFF)) } }
}

/// Bounds-checked little-endian reads.
struct ByteReader {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func take(_ n: Int) throws -> [UInt8] {
        guard n >= 0, offset + n <= bytes.count else { throw NumpyArchive.Failure.malformed("ends early") }
        defer { offset += n }
        return Swift.Array(bytes[offset..<offset + n])
    }
    mutating func skip(_ n: Int) throws { _ = try take(n) }
    mutating func le16() throws -> UInt16 {
        let b = try take(2)
        return UInt16(b[0]) | UInt16(b[1]) << 8
    }
    mutating func le32() throws -> UInt32 {
        let b = try take(4)
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }
    func peek32() throws -> UInt32 {
        var copy = self
        return offset + 4 <= bytes.count ? try copy.le32() : 0
    }
}
