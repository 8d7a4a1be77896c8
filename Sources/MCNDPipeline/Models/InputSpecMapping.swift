import MCNDImaging
import MCNDModel

/// A model stores its input spec; images to predict are normalized the way the
/// model's training images were, whatever the configuration says today.
extension InputSpec {
    init(_ spec: NormalizationSpec) {
        let b = spec.background
        self.init(
            width: spec.width, height: spec.height, channels: spec.channels.count, aspect: spec.aspect.rawValue,
            background: [Int(b.red), Int(b.green), Int(b.blue)], invert: spec.invert)
    }
}

extension NormalizationSpec {
    init?(_ input: InputSpec) {
        guard let aspect = Aspect(rawValue: input.aspect), input.background.count == 3,
            input.channels == 1 || input.channels == 3
        else { return nil }
        let b = input.background.map { UInt8(clamping: $0) }
        self.init(
            channels: input.channels == 1 ? .gray : .rgb, background: Color(red: b[0], green: b[1], blue: b[2]),
            width: input.width, height: input.height, aspect: aspect, invert: input.invert)
        if problem != nil { return nil }
    }
}
