/// Where the serving model is exported on every change (promotion, pin,
/// rollback). Key `export.onnx_dir`: a Triton model repository that Triton
/// polls; empty (the default) exports nothing.
public struct ExportSettings: Sendable, Equatable {
    /// An absolute path, or one relative to the root.
    public var onnxDirectory: String = ""

    public init() {}
}
