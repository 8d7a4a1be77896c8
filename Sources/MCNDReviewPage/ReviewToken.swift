import Glibc
import MCNDFileSystem
import MCNDPipeline

/// The review page's access token: 32 random bytes as hex in
/// `state/review-token`, mode 0640 (mcnd's group may read it to print the URL).
public struct ReviewToken: Sendable, Equatable {
    static let path = RootLayout.Name.reviewToken
    public let value: String

    init(value: String) { self.value = value }

    /// The root's token, made on first use.
    public static func loadOrCreate(root: Directory) throws(ReviewPageError) -> ReviewToken {
        if let existing = try load(root: root) { return existing }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let token = ReviewToken(value: bytes.map { String($0, radix: 16).leftPadded(2) }.joined())
        do {
            try root.writeFileAtomically(Array((token.value + "\n").utf8), to: path, mode: 0o640)
        } catch {
            throw .token(error)
        }
        return token
    }

    /// The root's token, nil while there is none.
    public static func load(root: Directory) throws(ReviewPageError) -> ReviewToken? {
        let bytes: [UInt8]
        do { bytes = try root.readFile(path, limit: 4096) } catch {
            if error.errno == .noSuchFile { return nil }
            throw .token(error)
        }
        let text = String(decoding: bytes, as: UTF8.self).filter { $0.isHexDigit }
        // A damaged file (empty, cut short) is made again rather than trusted.
        return text.count >= 32 ? ReviewToken(value: text) : nil
    }

    /// Compares in time independent of where `candidate` differs.
    public func matches(_ candidate: Substring?) -> Bool {
        guard let candidate else { return false }
        let a = Array(value.utf8), b = Array(candidate.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<a.count { difference |= a[i] ^ (i < b.count ? b[i] : 0) }
        return difference == 0
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
