/// The names an exported graph is known by: its inputs and outputs (what an
/// ONNX Runtime or Triton client asks for) and its metadata keys.
public enum ONNXNames {
    /// float32 `[N, H·W·C]` in 0…255 (or uint8 with `--pixels uint8`), the bytes mcnd normalizes an image to.
    public static let pixels = "pixels"
    /// float32 `[N, classes]`, each row summing to 1.
    public static let probabilities = "probabilities"
    /// int64 `[N]`, the index of the most probable class (the first on ties).
    public static let label = "label"
    /// The batch dimension's symbolic name.
    public static let batch = "N"

    /// Keys of `metadata_props`.
    public enum Metadata: String, CaseIterable, Sendable {
        /// A JSON array: label index → name.
        case labels
        /// A JSON object: the model file's input spec (width, height, channels, aspect, …).
        case input
        /// How pixels become the network's inputs: `x/255`.
        case scale
        /// The mcnd model version.
        case modelVersion = "mcnd_model_version"
        /// The model's validation accuracy when it was trained, if it had a validation set.
        case validationAccuracy = "val_accuracy"
    }
}

/// The element type of the `pixels` input.
public enum PixelType: String, Sendable, CaseIterable {
    /// float32 values 0…255: no conversion in the graph.
    case float32
    /// uint8 values: the graph starts with a `Cast` to float32 (a quarter of the bytes on the wire).
    case uint8
}
