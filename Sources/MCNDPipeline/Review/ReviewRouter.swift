import MCNDModel

/// Decides, per prediction, whether a person should look: below its class's
/// threshold (doubtful), unlike the training data (unfamiliar), or picked for
/// an audit. Without calibration in the model, or with review off, every
/// prediction is accepted.
struct ReviewRouter {
    /// Folder names below the root and below review/.
    enum Folder {
        static let review = RootLayout.Folder.review.rawValue
        static let unfamiliar = "_unfamiliar"
        static let predicted = RootLayout.Archive.predicted.rawValue
    }

    let model: ModelFile
    let settings: ReviewSettings

    /// Review is on and the model has thresholds to route by.
    var active: Bool { settings.isOn && model.review?.thresholds != nil }

    struct Decision {
        var assessment: ReviewCalibration.Assessment
        /// Goes to review/ (doubtful, unfamiliar or audit).
        var review: Bool
        var audit: Bool
        var unfamiliar: Bool
        /// Why it is unfamiliar (nil when it is not), and for the format what the request and the examples were.
        var unfamiliarReason: UnfamiliarReason? = nil
        var unfamiliarDetail: String? = nil
        /// Relative to the root: `archive/predicted`, `review/<label>`, `review/_unfamiliar`.
        var folder: String
        var label: String
    }

    /// The batch's familiarity measures, computed once for all its rows (nil: the model has no calibration).
    func measures(_ a: NetworkActivations, inputs: FeatureRows) -> ReviewCalibration.BatchMeasures? {
        model.review?.measures(a, inputs: inputs)
    }

    func decide(
        _ a: NetworkActivations, row: Int, inputs: FeatureRows, sha256: String, measures: ReviewCalibration.BatchMeasures? = nil,
        source: SourceFormat? = nil
    ) -> Decision {
        let assessment = model.review?.assess(a, row: row, inputs: inputs, measures: measures) ?? Self.uncalibrated(a, row: row)
        let label = model.labels[assessment.label]
        guard active else {
            return Decision(assessment: assessment, review: false, audit: false, unfamiliar: false, folder: Folder.predicted, label: label)
        }
        // The format first: it says more than the content checks (which normalization has already fooled once).
        var reason: UnfamiliarReason? = assessment.unfamiliar ? .content : nil, detail: String?
        if settings.formatCheck, let formats = model.review?.formats, let source, !formats.admits(source) {
            (reason, detail) = (.format, formats.detail(source))
        }
        let unfamiliar = reason != nil
        let audit = !unfamiliar && !assessment.doubtful && Self.audited(sha256: sha256, fraction: settings.auditFraction)
        let review = unfamiliar || assessment.doubtful || audit
        let folder = unfamiliar ? "\(Folder.review)/\(Folder.unfamiliar)" : review ? "\(Folder.review)/\(label)" : Folder.predicted
        return Decision(
            assessment: assessment, review: review, audit: audit, unfamiliar: unfamiliar, unfamiliarReason: reason,
            unfamiliarDetail: detail, folder: folder, label: label)
    }

    /// A model from before calibration: the plain softmax, nothing doubtful.
    static func uncalibrated(_ a: NetworkActivations, row r: Int) -> ReviewCalibration.Assessment {
        let k = a.classes
        let p = TemperatureScaling.probabilities(a.logits[r * k..<(r + 1) * k], temperature: 1)
        var best = 0
        for i in p.indices where p[i] > p[best] { best = i }
        return .init(probabilities: p, label: best, confidence: p[best], threshold: nil, doubtful: false, unfamiliar: false)
    }

    /// Chosen by content: hex digits 9–16 of the SHA-256 as a fraction of 2³²
    /// (the validation split reads digits 1–8, so the two choices are independent).
    static func audited(sha256: String, fraction: Double) -> Bool {
        guard fraction > 0, let v = UInt32(sha256.dropFirst(8).prefix(8), radix: 16) else { return false }
        return Double(v) / 4_294_967_296 < fraction
    }

    /// The review keys of a prediction line (only while review is active).
    func addMarks(_ d: Decision, to line: inout JSONLine) {
        guard active else { return }
        line.add(ReviewKey.review, d.review)
        line.add(ReviewKey.threshold, d.assessment.threshold)
        line.add(ReviewKey.audit, d.audit)
        line.add(ReviewKey.unfamiliar, d.unfamiliar)
        if let reason = d.unfamiliarReason { line.add(ReviewKey.unfamiliarReason, reason.rawValue) }
        if let detail = d.unfamiliarDetail { line.add(ReviewKey.unfamiliarDetail, detail) }
    }
}

/// Keys the review loop writes to JSON lines.
enum ReviewKey {
    static let review = "review"
    static let threshold = "threshold"
    static let audit = "audit"
    static let unfamiliar = "unfamiliar"
    static let unfamiliarReason = "unfamiliar_reason"
    static let unfamiliarDetail = "unfamiliar_detail"
}

extension ReviewRouter {
    /// The queue row of a prediction routed to review/.
    func item(_ d: Decision, sha256: String, file: RawPath, path: RawPath, identity: FileIdentity?) -> ReviewItem {
        ReviewItem(
            sha256: sha256, path: path.bytes, file: file.display,
            folder: d.unfamiliar ? Folder.unfamiliar : d.label, label: d.label,
            confidence: Double(d.assessment.confidence), modelVersion: model.version, audit: d.audit,
            unfamiliar: d.unfamiliar, unfamiliarReason: d.unfamiliarReason, identity: identity?.text,
            alternatives: alternatives(d))
    }

    /// The two labels after the predicted one, for the person who decides.
    func alternatives(_ d: Decision) -> [ReviewItem.Alternative] {
        let p = d.assessment.probabilities
        let ranked = p.indices.filter { $0 != d.assessment.label && $0 < model.labels.count }.sorted { p[$0] > p[$1] }
        return ranked.prefix(2).map { ReviewItem.Alternative(label: model.labels[$0], confidence: Double(p[$0])) }
    }
}
