/// Every number of report.html, as outbox/report.json holds it (keys in
/// snake_case; docs/report.md documents the schema). `schema` grows when a key
/// changes meaning; new keys may be added without it.
public struct ReportData: Sendable, Codable, Equatable {
    public static let schemaVersion = 1

    public struct ServingModel: Sendable, Codable, Equatable {
        public var version: Int
        public var labels: [String]
        public var trainSamples: Int?
        public var valSamples: Int?
        public var valAccuracy: Double?
        public var created: String
        public var promoted: String?
        public var run: Int64?
        public var runMode: String?
        /// Set while an operator has pinned this version (`mcnd models pin`): new runs do not replace it.
        public var pinnedSince: String?
        /// The input the model reads: "28×28 gray", "36×27 rgb" (its spec, as `input.*` or the examples chose).
        public var input: String? = nil
    }
    public struct LabelCount: Sendable, Codable, Equatable {
        public var label: String
        public var train: Int
        public var validation: Int
    }
    public struct LatestRun: Sendable, Codable, Equatable {
        public var id: Int64
        public var mode: String
        public var outcome: String?
        public var epochs: [EpochRow]
    }
    /// The serving model on today's validation rows.
    public struct Evaluation: Sendable, Codable, Equatable {
        public var modelVersion: Int
        public var metrics: ClassificationMetrics
        public var reliability: Reliability
        /// With the review loop's temperature applied, when it has one.
        public var calibrated: Reliability?
        public var temperature: Double?
    }
    public struct Mistake: Sendable, Codable, Equatable {
        public var exampleId: Int64
        public var file: String
        public var sha256: String
        public var label: String
        public var predicted: String
        public var confidence: Double
    }
    public struct ModelEntry: Sendable, Codable, Equatable {
        public var version: Int?
        public var run: Int64
        public var mode: String
        public var started: String
        public var outcome: String?
        public var valAccuracy: Double?
        public var promoted: Bool
        public var serving: Bool
        /// Why the run's model was not promoted (or the run ended without one).
        public var reason: String?
    }
    public struct Rejection: Sendable, Codable, Equatable {
        public var reason: String
        public var count: Int
    }

    public var schema = ReportData.schemaVersion
    public var generated: String
    /// The mcnd that wrote the report (`mcnd --version`, `mcnd_build_info`, the package's upstream version).
    public var mcndVersion: String? = BuildInfo.version
    public var model: ServingModel?
    public var examples: [LabelCount]
    public var latestRun: LatestRun?
    /// Every run: its mode, outcome and final validation accuracy, for the accuracy-over-time chart.
    public var runs: [RunHistoryRow]
    public var evaluation: Evaluation?
    /// Up to `mistakesPerClass` per true label, most confident first.
    public var mistakes: [Mistake]
    public var history: [ModelEntry]
    public var rejections: [Rejection]
    public var review: ReviewSnapshot?
    /// How long building the report took (everything but writing it).
    public var buildSeconds: Double
}
