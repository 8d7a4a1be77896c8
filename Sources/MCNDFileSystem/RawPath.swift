/// A path kept as raw bytes: names in the inbox need not be valid UTF-8, and a
/// lossy String would name a different file. Only a name: every call that
/// touches the file system is on `Directory`, which resolves it beneath itself.
public struct RawPath: Sendable, Hashable {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    /// The bytes in one call: the synthesized hash combines them one at a
    /// time, and every batch hashes each of its paths a few times (names planned, folders opened).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.count)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func + (lhs: RawPath, rhs: RawPath) -> RawPath {
        if lhs.bytes.isEmpty { return rhs }
        if rhs.bytes.isEmpty { return lhs }
        return RawPath(lhs.bytes + [UInt8(ascii: "/")] + rhs.bytes)
    }

    /// The path as text; invalid UTF-8 shows as U+FFFD (see `isValidUTF8`).
    public var display: String { String(decoding: bytes, as: UTF8.self) }
    public var isValidUTF8: Bool { String(validating: bytes, as: UTF8.self) != nil }

    public var components: [[UInt8]] { bytes.split(separator: UInt8(ascii: "/")).map(Array.init) }
    /// Without splitting the whole path: this is asked for every file of a batch.
    public var lastComponent: [UInt8] { Array(lastComponentSlice) }
    /// The folder holding this name; empty for a single component.
    public var parent: RawPath {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return RawPath([]) }
        return RawPath(Array(bytes[..<slash]))
    }

    public var isEmpty: Bool { bytes.isEmpty }

    /// Whether the name stays beneath the folder it is resolved in: relative,
    /// no `.` or `..` component, no NUL byte.
    public var staysBeneath: Bool {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        guard bytes.first != slash, !bytes.contains(0) else { return false }
        // Component by component without splitting: asked for every call of every file.
        var start = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == slash {
            let length = i - start
            if (length == 1 || length == 2) && bytes[start] == dot && bytes[i - 1] == dot { return false }
            start = i + 1
        }
        return true
    }

    public func withCString<T, E: Error>(_ body: (UnsafePointer<CChar>) throws(E) -> T) throws(E) -> T {
        try Self.withCString(bytes[...], body)
    }

    /// `bytes` NUL-terminated in a temporary buffer (on the stack for a
    /// name's length): every call on every file passes a name or two, and a
    /// heap copy each time showed in the profile.
    static func withCString<T, E: Error>(_ bytes: ArraySlice<UInt8>, _ body: (UnsafePointer<CChar>) throws(E) -> T) throws(E) -> T {
        let count = bytes.count
        let result: Result<T, E> = withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            bytes.withUnsafeBytes { source in
                if count > 0 { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: source.baseAddress!, byteCount: count) }
            }
            buffer[count] = 0
            return Result { () throws(E) in try body(buffer.baseAddress!) }
        }
        return try result.get()
    }

    /// The last component's bytes, without a copy (see `lastComponent`).
    var lastComponentSlice: ArraySlice<UInt8> {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        let start = bytes[..<end].lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? bytes.startIndex
        return bytes[start..<end]
    }
}
