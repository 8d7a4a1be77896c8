import GRDB

/// A finished or running training run, as the runs table holds it.
public struct RunRecord: Sendable, Decodable, FetchableRecord {
    public var id: Int64
    public var mode: RunMode
    public var started: String
    public var finished: String?
    public var outcome: RunOutcome?
    public var lastExampleId: Int64
    public var modelVersion: Int?

    enum CodingKeys: String, CodingKey {
        case id, mode, started, finished, outcome
        case lastExampleId = "last_example_id"
        case modelVersion = "model_version"
    }
}
