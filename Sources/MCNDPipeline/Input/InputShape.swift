import Foundation
import MCNDImaging
import MCNDModel

/// The input shape the labeled examples chose (`input.*: auto`): stored in the
/// state once, when the first labeled examples arrive, so every example is
/// normalized alike; `mcnd rebuild` chooses again from archive/labeled/.
public struct InputShape: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int
    /// `gray` or `rgb` (`NormalizationSpec.Channels`).
    public var channels: String
    /// How many examples were looked at, and how many of them showed colour.
    public var examples: Int
    public var colourful: Int
    /// What they were: "28×28 gray" or "24×24 to 64×48; gray, RGBA".
    public var sources: String

    public var outputChannels: NormalizationSpec.Channels { NormalizationSpec.Channels(rawValue: channels) ?? .gray }

    /// A mean chroma (0…255) from which an image counts as colourful: above
    /// what compression noise and near-gray tints give.
    public static let colourfulChroma = 8.0
    /// The share of colourful examples from which colour is kept (`rgb`).
    public static let colourfulShare = 0.2

    /// The shape for `looks`: their median size, in colour when at least a fifth
    /// of them show colour, scaled down to `policy.maxFeatures`; what the
    /// configuration fixes stays as configured. Nil without looks.
    public static func choose(from looks: [ImageLook], policy: InputShapePolicy, configured: NormalizationSpec) -> InputShape? {
        guard !looks.isEmpty else { return nil }
        let colourful = looks.filter { $0.chroma >= colourfulChroma }.count
        let channels: NormalizationSpec.Channels =
            policy.autoChannels
            ? (Double(colourful) >= colourfulShare * Double(looks.count) ? .rgb : .gray) : configured.channels
        var width = policy.autoWidth ? median(looks.map(\.source.width)) : configured.width
        var height = policy.autoHeight ? median(looks.map(\.source.height)) : configured.height
        let budget = max(1, policy.maxFeatures / channels.count)
        if width * height > budget {
            switch (policy.autoWidth, policy.autoHeight) {
            case (true, true):
                let scale = (Double(budget) / Double(width * height)).squareRoot()
                width = max(1, Int(Double(width) * scale))
                height = max(1, Int(Double(height) * scale))
            case (true, false): width = max(1, budget / height)
            case (false, true): height = max(1, budget / width)
            case (false, false): break
            }
        }
        width = min(width, NormalizationSpec.maximumSide)
        height = min(height, NormalizationSpec.maximumSide)
        return InputShape(
            width: width, height: height, channels: channels.rawValue, examples: looks.count, colourful: colourful,
            sources: summary(looks.map(\.source)))
    }

    /// The upper median: for one common size, that size.
    static func median(_ values: [Int]) -> Int { values.sorted()[values.count / 2] }

    static func summary(_ sources: [SourceFormat]) -> String {
        let kinds = SourceFormat.ColorKind.allCases.filter { k in sources.contains { $0.kind == k } }.map(\.rawValue)
        let sizes = Set(sources.map { [$0.width, $0.height] })
        let size: String
        if sizes.count == 1, let s = sizes.first {
            size = "\(s[0])×\(s[1])"
        } else {
            let smallest = sources.min { $0.width * $0.height < $1.width * $1.height }!
            let largest = sources.max { $0.width * $0.height < $1.width * $1.height }!
            size = "\(smallest.width)×\(smallest.height) to \(largest.width)×\(largest.height)"
        }
        return sizes.count == 1 && kinds.count == 1 ? "\(size) \(kinds[0])" : "\(size); \(kinds.joined(separator: ", "))"
    }

    /// "32×32 rgb"
    public var description: String { "\(width)×\(height) \(channels)" }

    /// The `meta` value.
    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    init?(encoded: String) {
        guard let shape = try? JSONDecoder().decode(InputShape.self, from: Data(encoded.utf8)) else { return nil }
        self = shape
    }

    public init(width: Int, height: Int, channels: String, examples: Int, colourful: Int, sources: String) {
        self.width = width
        self.height = height
        self.channels = channels
        self.examples = examples
        self.colourful = colourful
        self.sources = sources
    }
}
