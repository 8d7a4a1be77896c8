import MCNDModel

/// `config.pbtxt` of a Triton model repository entry for an exported model
/// (Triton's `ModelConfig` in protobuf text format): the ONNX Runtime
/// backend, batching over the first dimension, the labels file for
/// classification output, and the one version that serves.
public struct TritonConfig: Sendable {
    /// The model's name in the repository (its folder's name).
    public static let modelName = "mcnd"
    public static let labelsFile = "labels.txt"
    public static let configFile = "config.pbtxt"
    public static let modelFile = "model.onnx"
    /// Triton's limit on a batch it assembles; mcnd's graph takes any N.
    public static let maxBatchSize = 1024

    public let model: ModelFile
    public let pixels: PixelType

    public init(model: ModelFile, pixels: PixelType = .float32) {
        self.model = model
        self.pixels = pixels
    }

    public var text: String {
        let w = model.weights
        let pixelType = pixels == .uint8 ? "TYPE_UINT8" : "TYPE_FP32"
        // `label` is [N] in the graph: with batching Triton needs one dim per
        // row, so it is declared [1] and reshaped to [] (Triton's documented way).
        return """
            name: "\(Self.modelName)"
            platform: "onnxruntime_onnx"
            max_batch_size: \(Self.maxBatchSize)
            version_policy: { specific: { versions: [ \(model.version) ] } }
            input [
              {
                name: "\(ONNXNames.pixels)"
                data_type: \(pixelType)
                dims: [ \(w.inputs) ]
              }
            ]
            output [
              {
                name: "\(ONNXNames.probabilities)"
                data_type: TYPE_FP32
                dims: [ \(w.classes) ]
                label_filename: "\(Self.labelsFile)"
              },
              {
                name: "\(ONNXNames.label)"
                data_type: TYPE_INT64
                dims: [ 1 ]
                reshape: { shape: [ ] }
              }
            ]
            parameters: { key: "mcnd_model_version" value: { string_value: "\(model.version)" } }

            """
    }

    /// One label a line, in index order (a line break inside a name would shift every later line, so it becomes a space).
    public var labels: String {
        model.labels.map { $0.replacing("\r", with: " ").replacing("\n", with: " ") + "\n" }.joined()
    }
}
