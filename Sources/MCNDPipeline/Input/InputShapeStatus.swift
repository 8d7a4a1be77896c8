import MCNDImaging

/// The input shape new examples are normalized to, as `status` reports it.
public struct InputShapeStatus: Sendable, Codable, Equatable {
    /// Where the shape comes from.
    public enum Origin: String, Sendable, Codable {
        /// Every part set in the configuration.
        case configured
        /// Chosen by the labeled examples (`input.*: auto`); `chosen` says how.
        case examples
        /// `auto`, and no labeled file has arrived yet to choose it.
        case undecided
    }

    public var width: Int?
    public var height: Int?
    public var channels: String?
    public var origin: Origin
    public var chosen: InputShape?

    public init(configuration c: MCNDConfiguration, chosen: InputShape?) {
        self.chosen = c.inputShape.isAuto ? chosen : nil
        origin = !c.inputShape.isAuto ? .configured : chosen == nil ? .undecided : .examples
        if origin != .undecided {
            let spec = chosen.map { c.inputShape.applying($0, to: c.input) } ?? c.input
            (width, height, channels) = (spec.width, spec.height, spec.channels.rawValue)
        }
    }

    /// "28×28 gray, chosen from 256 labeled files (28×28 gray; 0 in colour)".
    public var text: String {
        guard let width, let height, let channels else {
            return "chosen by the first labeled files (input.* auto)"
        }
        let shape = "\(width)×\(height) \(channels)"
        guard let chosen else { return "\(shape), as configured" }
        return "\(shape), chosen from \(chosen.examples) labeled files (\(chosen.sources); \(chosen.colourful) in colour)"
    }
}
