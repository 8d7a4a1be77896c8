import MCNDFileSystem
import MCNDImaging
import MCNDModel

/// Predicts single files outside the inbox (`mcnd predict FILE…`).
public struct FilePredictor: Sendable {
    let model: ModelFile
    let normalizer: ImageNormalizer
    let network: MultiClassNetwork

    public init(model: ModelFile, limits: DecodeLimits) throws(PipelineError) {
        guard let spec = NormalizationSpec(model.input) else {
            throw .corruptState(path: "model \(model.version)", reason: "its input spec is not usable")
        }
        self.model = model
        normalizer = ImageNormalizer(spec: spec, limits: limits)
        network = MultiClassNetwork(weights: model.weights)
    }

    /// The prediction line for `path`, or the reason it cannot be predicted.
    public func predict(path: String) -> Result<String, PredictionFailure> {
        let bytes: [UInt8]
        do { bytes = try LocalFile.read(path: path, limit: normalizer.limits.maxInputBytes) } catch {
            return .failure(PredictionFailure(reason: "unreadable", detail: "\(error)"))
        }
        do {
            let pixels = try normalizer.normalize(png: bytes)
            let rows = FeatureRows(pixels: pixels, width: pixels.count)
            let a = network.activations(rows)
            let p = (model.review?.assess(a, row: 0, inputs: rows) ?? ReviewRouter.uncalibrated(a, row: 0)).probabilities
            return .success(
                PredictionLine.make(
                    file: RawPath(path), sha256: ContentHash.hex(bytes),
                    probabilities: p[...], model: model, time: Timestamp.now()))
        } catch {
            return .failure(PredictionFailure(reason: error.code, detail: error.detail))
        }
    }
}

public struct PredictionFailure: Error, CustomStringConvertible {
    public var reason: String
    public var detail: String
    public var description: String { "\(reason): \(detail)" }
}
