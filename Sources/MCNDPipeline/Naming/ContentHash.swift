import Crypto

/// The SHA-256 of an input's bytes as 64 lowercase hex digits: the key of an
/// example, the `sha256` of every line, and how the journal tells a touched
/// file from a rewritten one.
public struct ContentHash: Sendable, Hashable, CustomStringConvertible {
    public let hex: String

    public init(of bytes: [UInt8]) {
        let digest = SHA256.hash(data: bytes)
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        hex = String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    /// The hex digest of `bytes` (most callers want the text).
    public static func hex(_ bytes: [UInt8]) -> String { ContentHash(of: bytes).hex }
}
