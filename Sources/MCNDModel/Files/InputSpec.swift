/// What the network's input rows are made of, stored with every model so a
/// model is never fed images normalized differently from its training data.
public struct InputSpec: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int
    /// 1 (gray, Rec.601 luma) or 3 (RGB, interleaved).
    public var channels: Int
    /// `stretch`, `fit` (letterbox) or `crop` (centre).
    public var aspect: String
    /// Colour alpha is composited over, 0…255 per channel.
    public var background: [Int]
    /// Dark-on-light images are inverted before scaling.
    public var invert: Bool
    /// How bytes become inputs; always `x/255`, as in the book.
    public var scale: String

    public init(
        width: Int = 28, height: Int = 28, channels: Int = 1, aspect: String = "stretch",
        background: [Int] = [0, 0, 0], invert: Bool = false, scale: String = "x/255"
    ) {
        self.width = width
        self.height = height
        self.channels = channels
        self.aspect = aspect
        self.background = background
        self.invert = invert
        self.scale = scale
    }

    /// Inputs per row.
    public var features: Int { width * height * channels }
}
