import MCNDImaging

/// Why an input was moved to rejected/: the `reason` of its `rejected` event
/// in events.jsonl, the label of `mcnd_rejected_total`, a report row. Stable.
public enum RejectionReason: String, Sendable, Hashable, CaseIterable {
    /// Zero bytes.
    case empty
    /// Not a PNG data stream.
    case notPNG = "not_png"
    /// A PNG that ends early.
    case truncated
    /// A damaged PNG (CRC, zlib, IHDR, palette, chunk order…).
    case corrupt
    /// Over `limits.max_bytes`, the pixel count or the decoded size.
    case tooLarge = "too_large"
    /// Not a regular file, or a PNG libpng cannot decode.
    case unsupported
    /// A label folder whose name cannot be a label.
    case badLabel = "bad_label"
    /// A symbolic link: mcnd never follows them.
    case symlink

    /// The reason for an image libpng or the normalizer refused.
    public init(_ rejection: ImageRejection) {
        switch rejection {
        case .empty: self = .empty
        case .notPNG: self = .notPNG
        case .truncated: self = .truncated
        case .corrupt: self = .corrupt
        case .tooLarge: self = .tooLarge
        case .unsupported: self = .unsupported
        }
    }
}
