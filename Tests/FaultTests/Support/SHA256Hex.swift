import Crypto

/// SHA-256 of an input's content (swift-crypto), to know its hash as the tests expect it.
enum SHA256 {
    static func hex(_ message: [UInt8]) -> String {
        Crypto.SHA256.hash(data: message).map { String(format: "%02x", $0) }.joined()
    }
}
