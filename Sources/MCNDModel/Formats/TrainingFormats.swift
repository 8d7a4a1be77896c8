/// The source formats a model's examples had, recorded at promotion
/// (`ReviewCalibration.formats`). Ranges rather than a list: a set of
/// photographs can have as many sizes as examples, and the rule only needs
/// the bounds. When every example shares one size and colour kind, any other
/// size or kind is unfamiliar; when they vary, only what lies outside them
/// (a width, height or aspect ratio beyond the examples' extremes, a colour
/// kind no example had, transparency when none had any).
public struct TrainingFormats: Sendable, Codable, Equatable, CustomStringConvertible {
    public var examples: Int
    public var minWidth: Int
    public var maxWidth: Int
    public var minHeight: Int
    public var maxHeight: Int
    /// Width / height.
    public var minAspect: Double
    public var maxAspect: Double
    /// In `ColorKind.allCases` order.
    public var kinds: [SourceFormat.ColorKind]
    public var bitDepths: [Int]
    /// Some example was transparent.
    public var transparent: Bool

    /// Nil without formats: nothing to compare a request with.
    public init?(_ counts: [SourceFormat: Int]) {
        guard let first = counts.keys.first else { return nil }
        examples = counts.values.reduce(0, +)
        (minWidth, maxWidth, minHeight, maxHeight) = (first.width, first.width, first.height, first.height)
        (minAspect, maxAspect) = (Self.aspect(first), Self.aspect(first))
        var kinds: Set<SourceFormat.ColorKind> = [], depths: Set<Int> = []
        transparent = false
        for f in counts.keys {
            (minWidth, maxWidth) = (min(minWidth, f.width), max(maxWidth, f.width))
            (minHeight, maxHeight) = (min(minHeight, f.height), max(maxHeight, f.height))
            (minAspect, maxAspect) = (min(minAspect, Self.aspect(f)), max(maxAspect, Self.aspect(f)))
            kinds.insert(f.kind)
            depths.insert(f.bitDepth)
            transparent = transparent || f.transparent
        }
        self.kinds = kinds.sorted { $0.order < $1.order }
        bitDepths = depths.sorted()
    }

    static func aspect(_ f: SourceFormat) -> Double { Double(f.width) / Double(f.height) }

    /// Whether the training examples had `format` (by the rule above).
    public func admits(_ format: SourceFormat) -> Bool {
        guard kinds.contains(format.kind), transparent || !format.transparent else { return false }
        return (minWidth...maxWidth).contains(format.width) && (minHeight...maxHeight).contains(format.height)
            && (minAspect...maxAspect).contains(Self.aspect(format))
    }

    /// "32×32 RGBA, 8-bit; the training examples were 28×28 gray, 8-bit".
    public func detail(_ format: SourceFormat) -> String { "\(format); the training examples were \(self)" }

    /// "28×28 gray, 8-bit"; "28–40×28–32 gray, RGB or RGBA, 8-bit" when they vary.
    public var description: String {
        func range(_ low: Int, _ high: Int) -> String { low == high ? "\(low)" : "\(low)–\(high)" }
        func list(_ items: [String]) -> String {
            items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
        }
        let alpha = transparent && !kinds.contains(where: \.hasAlphaChannel) ? " with transparency" : ""
        return "\(range(minWidth, maxWidth))×\(range(minHeight, maxHeight)) \(list(kinds.map(\.rawValue)))\(alpha), "
            + "\(list(bitDepths.map(String.init)))-bit"
    }
}
