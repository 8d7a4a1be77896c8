import MCNDImaging

/// Which parts of the input shape the labeled examples choose (`auto`, the
/// default) and which the configuration fixes. Keys `input.width`,
/// `input.height`, `input.channels` (`auto` or a value) and `input.max_features`.
public struct InputShapePolicy: Sendable, Equatable {
    public var autoWidth = true
    public var autoHeight = true
    public var autoChannels = true
    /// An automatic size is scaled down, keeping its aspect ratio, until
    /// width × height × channels fits this. 3,072 is a 32×32 colour image:
    /// the hidden layer's weights, and so training time, grow with it.
    public var maxFeatures = 3072

    public init() {}

    /// The value that leaves a part to the examples.
    public static let auto = "auto"

    /// Everything as configured (the book's run; `input.*` all set).
    public static var fixed: InputShapePolicy {
        var p = InputShapePolicy()
        p.autoWidth = false
        p.autoHeight = false
        p.autoChannels = false
        return p
    }

    public var isAuto: Bool { autoWidth || autoHeight || autoChannels }

    /// `configured` with its automatic parts taken from `shape`.
    public func applying(_ shape: InputShape, to configured: NormalizationSpec) -> NormalizationSpec {
        var spec = configured
        if autoWidth { spec.width = shape.width }
        if autoHeight { spec.height = shape.height }
        if autoChannels { spec.channels = shape.outputChannels }
        return spec
    }
}
