import Foundation
import MCNDModel
import SwiftProtobuf

/// A model file as a standard ONNX graph that computes what
/// `MultiClassNetwork` computes:
///
///     x = pixels / 255                  (after a Cast for uint8 input)
///     probabilities = Softmax((Sigmoid(x·W1 + b1)·W2 + b2) · (1/T), axis 1)
///     label = ArgMax(probabilities, axis 1)
///
/// mcnd clips pre-activations at -100 before `Sigmoid` and `Softmax`; at -100
/// both are already below 4e-44, so the graph leaves the clip out. T is the
/// model's calibration temperature (the review loop's; the `Mul` is left out
/// for a model without one), so the probabilities are those `mcnd` writes.
public struct ONNXExport: Sendable {
    /// IR version 8 with opset 17: read by every ONNX Runtime since 1.12 and the Triton releases built on them.
    public static let irVersion: Int64 = 8
    public static let opset: Int64 = 17

    public let model: ModelFile
    public let pixels: PixelType

    public init(model: ModelFile, pixels: PixelType = .float32) {
        self.model = model
        self.pixels = pixels
    }

    /// The serialized `ModelProto`, what a `model.onnx` file holds.
    public func encoded() -> [UInt8] {
        // Serializing a message built in memory (no unknown required fields in proto2 here) cannot fail.
        try! proto().serializedBytes()
    }

    func proto() -> Onnx_ModelProto {
        let w = model.weights
        var graph = Onnx_GraphProto()
        graph.name = "mcnd_model_\(model.version)"
        graph.input = [Self.value(ONNXNames.pixels, pixels == .uint8 ? .uint8 : .float, [nil, w.inputs])]
        graph.output = [
            Self.value(ONNXNames.probabilities, .float, [nil, w.classes]),
            Self.value(ONNXNames.label, .int64, [nil]),
        ]
        graph.initializer = [
            Self.tensor("scale", [], [255]),
            Self.tensor("W1", [w.inputs, w.units], w.w1), Self.tensor("b1", [w.units], w.b1),
            Self.tensor("W2", [w.units, w.classes], w.w2), Self.tensor("b2", [w.classes], w.b2),
        ]
        var nodes: [Onnx_NodeProto] = []
        var first = ONNXNames.pixels
        if pixels == .uint8 {
            nodes.append(
                Self.node("Cast", [ONNXNames.pixels], "pixels_float", [Self.int("to", Int64(Onnx_TensorProto.DataType.float.rawValue))]))
            first = "pixels_float"
        }
        nodes += [
            Self.node("Div", [first, "scale"], "x"),
            Self.node("MatMul", ["x", "W1"], "xW1"),
            Self.node("Add", ["xW1", "b1"], "z1"),
            Self.node("Sigmoid", ["z1"], "a1"),
            Self.node("MatMul", ["a1", "W2"], "a1W2"),
            Self.node("Add", ["a1W2", "b2"], "z2"),
        ]
        var logits = "z2"
        if let t = model.review?.temperature, t > 0, t != 1 {
            graph.initializer.append(Self.tensor("inverse_temperature", [], [Float(1 / t)]))
            nodes.append(Self.node("Mul", ["z2", "inverse_temperature"], "z2_calibrated"))
            logits = "z2_calibrated"
        }
        nodes += [
            Self.node("Softmax", [logits], ONNXNames.probabilities, [Self.int("axis", 1)]),
            Self.node("ArgMax", [ONNXNames.probabilities], ONNXNames.label, [Self.int("axis", 1), Self.int("keepdims", 0)]),
        ]
        graph.node = nodes

        var out = Onnx_ModelProto()
        out.irVersion = Self.irVersion
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Self.opset
        out.opsetImport = [opset]
        out.producerName = "mcnd"
        out.modelVersion = Int64(model.version)
        out.docString =
            "mcnd model \(model.version): \(ONNXNames.pixels) [N, \(w.inputs)] (0…255) → \(ONNXNames.probabilities) [N, \(w.classes)], \(ONNXNames.label) [N]"
        out.graph = graph
        out.metadataProps = metadata().map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key.rawValue
            entry.value = value
            return entry
        }
        return out
    }

    func metadata() -> [(ONNXNames.Metadata, String)] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json<T: Encodable>(_ value: T) -> String { String(decoding: try! encoder.encode(value), as: UTF8.self) }
        var out: [(ONNXNames.Metadata, String)] = [
            (.labels, json(model.labels)), (.input, json(model.input)), (.scale, model.input.scale),
            (.modelVersion, String(model.version)),
        ]
        if let accuracy = model.metrics["val_accuracy"] { out.append((.validationAccuracy, String(accuracy))) }
        return out
    }

    /// A tensor's type and shape; `nil` is the batch dimension.
    static func value(_ name: String, _ type: Onnx_TensorProto.DataType, _ dims: [Int?]) -> Onnx_ValueInfoProto {
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            if let d { dim.dimValue = Int64(d) } else { dim.dimParam = ONNXNames.batch }
            return dim
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(type.rawValue)
        tensor.shape = shape
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType = tensor
        return info
    }

    /// A float32 initializer; `raw_data` is little-endian by the specification.
    static func tensor(_ name: String, _ dims: [Int], _ values: [Float]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = dims.map(Int64.init)
        t.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var bytes = Data(capacity: values.count * 4)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        t.rawData = bytes
        return t
    }

    static func node(_ op: String, _ inputs: [String], _ output: String, _ attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = output
        n.input = inputs
        n.output = [output]
        n.attribute = attributes
        return n
    }

    static func int(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = value
        return a
    }
}
