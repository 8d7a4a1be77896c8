/// What the review loop (human review of uncertain predictions, calibration,
/// per-label thresholds) hands the report and the metrics
/// (`StateStore.reviewSnapshot`). While there is no review data yet there is
/// none, and the report leaves these sections out.
public struct ReviewSnapshot: Sendable, Codable, Equatable {
    public struct Queue: Sendable, Codable, Equatable {
        public var label: String
        /// Files waiting for a person in review/<label>/.
        public var files: Int
        /// Confidence below which a prediction of this label goes to review.
        public var threshold: Double?
        public init(label: String, files: Int, threshold: Double?) {
            self.label = label
            self.files = files
            self.threshold = threshold
        }
    }
    /// An estimate of the serving model's accuracy from audited predictions.
    public struct Audit: Sendable, Codable, Equatable {
        public var sampled: Int
        public var accuracy: Double
        /// A confidence interval of `accuracy` (e.g. Wilson, 95 %).
        public var low: Double
        public var high: Double
        public init(sampled: Int, accuracy: Double, low: Double, high: Double) {
            self.sampled = sampled
            self.accuracy = accuracy
            self.low = low
            self.high = high
        }
    }

    /// Per label (an array, not a dictionary: JSON keys must stay the labels as written).
    public var queue: [Queue]
    public var audit: Audit?
    /// Temperature scaling fitted on the validation rows (probabilities become softmax(log p / T)); nil = not calibrated.
    public var temperature: Double?
    /// Files people have reviewed, ever (a counter).
    public var reviewed: Int
    /// Files waiting in review/_unfamiliar/, by `UnfamiliarReason` (reasons with none left out).
    public var unfamiliar: [String: Int]? = nil

    public init(queue: [Queue], audit: Audit?, temperature: Double?, reviewed: Int) {
        self.queue = queue
        self.audit = audit
        self.temperature = temperature
        self.reviewed = reviewed
    }
}
