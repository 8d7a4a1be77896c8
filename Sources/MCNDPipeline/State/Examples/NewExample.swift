import MCNDModel

/// A labeled image ready to become a training example.
public struct NewExample: Sendable {
    public var sha256: String
    public var label: String
    public var pixels: [UInt8]
    public var width: Int
    public var height: Int
    public var channels: Int
    public var originalName: String
    /// The PNG's own format before normalization (nil: not known).
    public var source: SourceFormat?

    public init(
        sha256: String, label: String, pixels: [UInt8], width: Int, height: Int, channels: Int, originalName: String,
        source: SourceFormat? = nil
    ) {
        self.sha256 = sha256
        self.label = label
        self.pixels = pixels
        self.width = width
        self.height = height
        self.channels = channels
        self.originalName = originalName
        self.source = source
    }
}
