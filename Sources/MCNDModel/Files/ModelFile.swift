import Foundation
import MCNDFileSystem

/// A trained model as one `.npz` file: `W1`, `b1`, `W2`, `b2` as float32 arrays,
/// `meta`, the UTF-8 JSON below as a uint8 array, and the review calibration's
/// large arrays as float32 arrays `review_*` (ReviewArrays). From numpy:
///
///     m = np.load("model.npz"); meta = json.loads(m["meta"].tobytes())
///     z = sigmoid(x @ m["W1"] + m["b1"]) @ m["W2"] + m["b2"]
public struct ModelFile: Sendable, Equatable {
    public static let format = "mcnd-model"
    /// Bumped whenever the layout changes incompatibly; readers refuse newer
    /// ones. 2: the review calibration's arrays left `meta` for `review_*` arrays.
    public static let formatVersion = 2

    public var version: Int
    public var labels: [String]
    public var input: InputSpec
    public var options: TrainingOptions
    /// e.g. `val_accuracy`, `val_loss`, `loss`, `train_samples`.
    public var metrics: [String: Double]
    /// RFC 3339 UTC.
    public var created: String
    public var weights: NetworkWeights
    /// Calibration, review thresholds and the familiarity check, fitted at
    /// promotion; nil in models made without them (they load and predict, with no review).
    public var review: ReviewCalibration?

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case invalid(String)
        case newerFormat(Int)
        public var description: String {
            switch self {
            case .invalid(let why): "invalid model file: \(why)"
            case .newerFormat(let v): "model file format \(v) is newer than this mcnd understands (\(ModelFile.formatVersion))"
            }
        }
    }

    public init(
        version: Int, labels: [String], input: InputSpec, options: TrainingOptions,
        metrics: [String: Double], created: String, weights: NetworkWeights, review: ReviewCalibration? = nil
    ) {
        precondition(labels.count == weights.classes && input.features == weights.inputs, "labels/input do not match the weights")
        self.version = version
        self.labels = labels
        self.input = input
        self.options = options
        self.metrics = metrics
        self.created = created
        self.weights = weights
        self.review = review
    }

    struct Meta: Codable {
        var format: String
        var formatVersion: Int
        var version: Int
        var labels: [String]
        var input: InputSpec
        var hyperparameters: TrainingOptions
        var metrics: [String: Double]
        var created: String
        /// Optional, so files without it (older) still decode.
        var review: ReviewCalibration?
    }

    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        var review = self.review
        var arrays: [(name: String, array: NumpyArchive.Array)] = []
        if var r = review {
            arrays = ReviewArrays.take(from: &r)
            review = r
        }
        let meta = Meta(
            format: Self.format, formatVersion: Self.formatVersion, version: version, labels: labels,
            input: input, hyperparameters: options, metrics: metrics, created: created, review: review)
        // Encoding plain Codable values to JSON cannot fail.
        let json = try! encoder.encode(meta)
        var archive = NumpyArchive()
        let w = weights
        archive["meta"] = .uint8(shape: [json.count], values: Array(json))
        archive["W1"] = .float32(shape: [w.inputs, w.units], values: w.w1)
        archive["b1"] = .float32(shape: [w.units], values: w.b1)
        archive["W2"] = .float32(shape: [w.units, w.classes], values: w.w2)
        archive["b2"] = .float32(shape: [w.classes], values: w.b2)
        for (name, array) in arrays { archive[name] = array }
        return archive.encoded()
    }

    public init(decoding bytes: [UInt8]) throws {
        let archive = try NumpyArchive(decoding: bytes)
        guard case .uint8(_, let json)? = archive["meta"] else { throw Failure.invalid("no meta array") }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let meta: Meta
        do { meta = try decoder.decode(Meta.self, from: Data(json)) } catch { throw Failure.invalid("meta is not valid: \(error)") }
        guard meta.format == Self.format else { throw Failure.invalid("format is \(meta.format)") }
        guard meta.formatVersion <= Self.formatVersion else { throw Failure.newerFormat(meta.formatVersion) }
        func floats(_ name: String, _ shape: [Int]) throws -> [Float] {
            guard case .float32(let s, let v)? = archive[name], s == shape else {
                throw Failure.invalid("\(name) is missing or not float32 of shape \(shape)")
            }
            return v
        }
        guard case .float32(let s1, _)? = archive["W1"], s1.count == 2, case .float32(let s2, _)? = archive["W2"], s2.count == 2 else {
            throw Failure.invalid("W1/W2 are missing or not matrices")
        }
        let (n, h, k) = (s1[0], s1[1], s2[1])
        guard s2[0] == h, k == meta.labels.count, n == meta.input.features else {
            throw Failure.invalid("shapes W1 \(s1), W2 \(s2) do not fit \(meta.labels.count) labels and \(meta.input.features) inputs")
        }
        let weights = NetworkWeights(
            inputs: n, units: h, classes: k,
            w1: try floats("W1", [n, h]), b1: try floats("b1", [h]),
            w2: try floats("W2", [h, k]), b2: try floats("b2", [k]))
        var review = meta.review
        if var r = review {
            try ReviewArrays.restore(&r, from: archive, classes: k)
            review = r
        }
        self.init(
            version: meta.version, labels: meta.labels, input: meta.input, options: meta.hyperparameters,
            metrics: meta.metrics, created: meta.created, weights: weights, review: review)
    }

    public func write(to path: String) throws {
        try LocalFile.writeAtomically(encoded(), to: path)
    }

    public static func read(path: String) throws -> ModelFile {
        try ModelFile(decoding: LocalFile.read(path: path))
    }
}
