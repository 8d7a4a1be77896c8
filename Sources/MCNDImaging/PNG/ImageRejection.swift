/// Why an input could not be used as an image. The `code` of each case is
/// stable (it is written to `events.jsonl`); `detail` carries libpng's own
/// message, or mcnd's when the input never reached libpng.
public enum ImageRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Zero bytes.
    case empty
    /// Not a PNG data stream: the 8-byte signature is wrong.
    case notPNG(String)
    /// A PNG that ends early (cut off during a copy or a download).
    case truncated(String)
    /// A PNG whose content is damaged: CRC, zlib, IHDR, palette, chunk order…
    case corrupt(String)
    /// Over a configured limit: input bytes, pixel count or decoded bytes.
    case tooLarge(String)
    /// A well-formed PNG that libpng cannot decode (an unknown critical chunk).
    case unsupported(String)

    /// Every stable reason code, in documentation order.
    public static let codes = ["empty", "not_png", "truncated", "corrupt", "too_large", "unsupported"]

    /// The stable reason code: `empty`, `not_png`, `truncated`, `corrupt`,
    /// `too_large` or `unsupported`.
    public var code: String {
        switch self {
        case .empty: "empty"
        case .notPNG: "not_png"
        case .truncated: "truncated"
        case .corrupt: "corrupt"
        case .tooLarge: "too_large"
        case .unsupported: "unsupported"
        }
    }

    /// The human-readable detail (libpng's message where there is one).
    public var detail: String {
        switch self {
        case .empty: "the input has no bytes"
        case .notPNG(let d), .truncated(let d), .corrupt(let d), .tooLarge(let d), .unsupported(let d): d
        }
    }

    public var description: String { "\(code): \(detail)" }

    /// Classifies one of libpng's error messages (`png_image.message`).
    ///
    /// libpng's wording is not an API, so the match is on stable fragments and
    /// anything unrecognized counts as `corrupt` — the safe reading of a file
    /// libpng refused. The table is checked against real messages by the tests.
    public static func classify(libpngMessage message: String) -> ImageRejection {
        let m = message.lowercased()
        let detail = message.isEmpty ? "libpng reported an error without a message" : message
        func has(_ fragments: String...) -> Bool { fragments.contains { m.contains($0) } }

        if has("not a png file", "png signature", "ascii conversion") {
            return .notPNG(detail)
        }
        if has(
            "exceeds user limit", "image too large", "out of memory", "insufficient memory",
            "decompression exceeds", "image size exceeds")
        {
            return .tooLarge(detail)
        }
        if has(
            "read beyond end", "not enough image data", "unexpected end", "read error",
            "truncated", "end of data", "unexpected eof")
        {
            return .truncated(detail)
        }
        if has("unknown critical chunk", "unhandled critical chunk", "unsupported", "not supported") {
            return .unsupported(detail)
        }
        return .corrupt(detail)
    }
}
