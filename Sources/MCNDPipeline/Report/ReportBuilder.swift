import Foundation
import MCNDImaging
import MCNDModel

/// Gathers the report's numbers from the state: the serving model evaluated on
/// the validation rows (confusion matrix, per-class scores, reliability), the
/// most confident mistakes with their thumbnails, runs, models, rejections.
public struct ReportBuilder: Sendable {
    public static let mistakesPerClass = 5

    public struct Built: Sendable {
        public var data: ReportData
        /// `data:` URLs of the mistakes' images, by example id.
        public var thumbnails: [Int64: String]
    }

    let store: StateStore
    let serving: ModelFile?
    let review: ReviewSnapshot?
    /// The validation rows when the caller has them (a run that just read
    /// them): a million examples' table is then not read again.
    let validation: ValidationRows?

    public init(store: StateStore, serving: ModelFile?, review: ReviewSnapshot? = nil, validation: ValidationRows? = nil) {
        self.store = store
        self.serving = serving
        self.review = review
        self.validation = validation
    }

    public func build() throws(PipelineError) -> Built {
        let start = Timestamp.seconds()
        let runs = try store.runHistory()
        let models = try store.modelHistory()
        var data = ReportData(
            generated: Timestamp.now(), model: nil,
            examples: try store.examplesPerLabel().map {
                ReportData.LabelCount(label: $0.label, train: $0.train, validation: $0.validation)
            },
            latestRun: nil, runs: runs, evaluation: nil, mistakes: [], history: [], rejections: [], review: review, buildSeconds: 0)
        if let last = runs.last(where: { $0.outcome != RunOutcome.interrupted.rawValue }) ?? runs.last {
            data.latestRun = ReportData.LatestRun(
                id: last.id, mode: last.mode, outcome: last.outcome, epochs: try store.epochs(run: last.id))
        }
        let modelsByRun = Dictionary(models.compactMap { m in m.run.map { ($0, m) } }, uniquingKeysWith: { a, _ in a })
        data.history = runs.filter { $0.finished != nil }.map { run in
            let m = modelsByRun[run.id]
            return ReportData.ModelEntry(
                version: m?.version, run: run.id, mode: run.mode, started: run.started, outcome: run.outcome,
                valAccuracy: m?.metrics["val_accuracy"] ?? run.valAccuracy, promoted: m?.promoted != nil,
                serving: m?.serving ?? false, reason: run.reason)
        }
        data.rejections = try store.rejectionsByReason().sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .map { ReportData.Rejection(reason: $0.key, count: $0.value) }
        var thumbnails: [Int64: String] = [:]
        if let serving {
            let row = models.first { $0.version == serving.version }
            let run = row?.run.flatMap { id in runs.first { $0.id == id } }
            data.model = ReportData.ServingModel(
                version: serving.version, labels: serving.labels,
                trainSamples: serving.metrics["train_samples"].map { Int($0) }, valSamples: serving.metrics["val_samples"].map { Int($0) },
                valAccuracy: serving.metrics["val_accuracy"], created: serving.created, promoted: row?.promoted, run: row?.run,
                runMode: run?.mode,
                pinnedSince: try store.pin().flatMap { $0.version == serving.version ? $0.since : nil },
                input: "\(serving.input.width)×\(serving.input.height) \(serving.input.channels == 3 ? "rgb" : "gray")")
            (data.evaluation, data.mistakes, thumbnails) = try evaluate(serving)
        }
        data.buildSeconds = Timestamp.seconds() - start
        return Built(data: data, thumbnails: thumbnails)
    }

    private func evaluate(
        _ model: ModelFile
    ) throws(PipelineError)
        -> (ReportData.Evaluation?, [ReportData.Mistake], [Int64: String])
    {
        let input = model.input
        let validation: ValidationRows
        if let given = self.validation, given.fit(input) {
            validation = given
        } else {
            validation = try store.validationRows(width: input.width, height: input.height, channels: input.channels)
        }
        guard validation.rows.count > 0, validation.rows.rows.width == model.weights.inputs else { return (nil, [], [:]) }
        let labels = try store.labels()
        let k = model.weights.classes
        let probabilities = MultiClassNetwork(weights: model.weights).probabilities(validation.rows.rows)
        var predicted: [Int] = [], confidence: [Double] = []
        predicted.reserveCapacity(validation.rows.count)
        confidence.reserveCapacity(validation.rows.count)
        for r in 0..<validation.rows.count {
            var best = 0
            for c in 1..<k where probabilities[r * k + c] > probabilities[r * k + best] { best = c }
            predicted.append(best)
            confidence.append(Double(probabilities[r * k + best]))
        }
        let truth = validation.rows.labels.map(Int.init)
        let correct = zip(truth, predicted).map { $0 == $1 }
        var evaluation = ReportData.Evaluation(
            modelVersion: model.version, metrics: ClassificationMetrics(labels: labels, truth: truth, predicted: predicted),
            reliability: Reliability(confidences: confidence, correct: correct), calibrated: nil, temperature: review?.temperature)
        if let t = review?.temperature, t > 0 {
            evaluation.calibrated = Reliability(
                confidences: Self.calibratedConfidence(probabilities, classes: k, temperature: t), correct: correct)
        }
        // The most confident mistakes, up to mistakesPerClass per true label.
        var wrong: [Int: [Int]] = [:]
        for r in 0..<truth.count where !correct[r] { wrong[truth[r], default: []].append(r) }
        let chosen = wrong.keys.sorted().flatMap { label in
            wrong[label]!.sorted { (confidence[$0], validation.ids[$1]) > (confidence[$1], validation.ids[$0]) }.prefix(
                Self.mistakesPerClass)
        }
        let names = try store.exampleNames(chosen.map { validation.ids[$0] })
        var thumbnails: [Int64: String] = [:]
        let mistakes = chosen.map { r in
            let id = validation.ids[r]
            thumbnails[id] = Self.thumbnail(validation.rows.rows, row: r, input: input)
            return ReportData.Mistake(
                exampleId: id, file: names[id]?.name ?? "", sha256: names[id]?.sha256 ?? "",
                label: labels[truth[r]], predicted: predicted[r] < labels.count ? labels[predicted[r]] : "\(predicted[r])",
                confidence: confidence[r])
        }
        return (evaluation, mistakes, thumbnails)
    }

    /// The top probability after temperature scaling: softmax(log p / T).
    static func calibratedConfidence(_ p: [Float], classes k: Int, temperature t: Double) -> [Double] {
        stride(from: 0, to: p.count, by: k).map { start in
            let scaled = (0..<k).map { Double(p[start + $0]).safeLog / t }
            let top = scaled.max() ?? 0
            let sum = scaled.reduce(0) { $0 + Foundation.exp($1 - top) }
            return 1 / sum
        }
    }

    /// A `data:` URL of one row's image, PNG-encoded by mcnd's own encoder.
    static func thumbnail(_ rows: FeatureRows, row: Int, input: InputSpec) -> String? {
        guard case .pixels(let pixels) = rows.storage, let layout = PixelLayout(rawValue: input.channels) else { return nil }
        let bytes = Array(pixels[row * rows.width..<(row + 1) * rows.width])
        guard let png = try? PNGCodec.encode(DecodedImage(width: input.width, height: input.height, layout: layout, pixels: bytes)) else {
            return nil
        }
        return "data:image/png;base64," + Data(png).base64EncodedString()
    }
}

private extension Double {
    /// log, with 0 mapped to a very negative number instead of −∞.
    var safeLog: Double { self > 0 ? Foundation.log(self) : -1e4 }
}
