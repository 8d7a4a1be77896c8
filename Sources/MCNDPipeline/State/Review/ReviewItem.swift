/// One file waiting in review/ (or one that was), as the `review` table holds it.
public struct ReviewItem: Sendable, Equatable {
    /// Strings stored in the `status` column.
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// In review/, waiting for a person.
        case waiting
        /// Moved into the label folder of the prediction.
        case confirmed
        /// Moved into another label folder.
        case corrected
        /// A newer model was sure of it: moved to archive/predicted/, a line in rescored.jsonl.
        case rescored
        /// Gone from review/ without coming back as an example (deleted, moved elsewhere).
        case gone
        /// Changed or replaced in review/: never re-scored.
        case touched
    }

    public var id: Int64?
    public var sha256: String
    /// Where the file went, relative to the root (`review/<folder>/<name>`).
    public var path: [UInt8]
    /// The request's name relative to inbox/ (as `file` in predictions.jsonl).
    public var file: String
    /// The folder below review/: the predicted label, or `_unfamiliar`.
    public var folder: String
    /// The predicted label and its calibrated confidence, by `modelVersion`.
    public var label: String
    public var confidence: Double
    public var modelVersion: Int
    public var audit: Bool
    public var unfamiliar: Bool
    /// Why it is unfamiliar (nil: it is not, or it was queued before reasons were recorded).
    public var unfamiliarReason: UnfamiliarReason? = nil
    public var identity: String?
    public var status: Status = .waiting
    /// The next most likely labels after `label`, most likely first, with their calibrated confidence.
    public var alternatives: [Alternative] = []

    public struct Alternative: Sendable, Equatable, Codable {
        public var label: String
        public var confidence: Double

        public init(label: String, confidence: Double) {
            self.label = label
            self.confidence = confidence
        }

        /// The keys of the `alternatives` column's JSON (ReviewAlternativesColumn writes them by hand).
        enum CodingKeys: String, CodingKey {
            case label, confidence
        }
    }
}
