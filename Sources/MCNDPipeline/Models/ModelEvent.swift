/// The event lines (events.jsonl) of a change to which model serves.
public enum ModelEvent: String, Sendable, Codable, CaseIterable {
    case pinned = "model_pinned"
    case unpinned = "model_unpinned"
    case rolledBack = "model_rolled_back"
}

/// One pin, unpin or rollback as the state records it.
public struct ModelChange: Sendable, Equatable {
    public var id: Int64
    public var event: ModelEvent
    /// The version that serves after the change (the pinned one; for unpin, the one that was pinned).
    public var version: Int?
    /// The version that served before it.
    public var previous: Int?
    public var time: String
}

/// Why a `mcnd models` request was refused; each case says what to do instead.
public enum ModelLifecycleError: Error, Sendable, Equatable, CustomStringConvertible {
    case noSuchModel(Int)
    case noServingModel
    case nothingToRollBackTo(serving: Int)
    case state(PipelineError)

    public var description: String {
        switch self {
        case .noSuchModel(let v): "there is no model \(v); `mcnd models list` shows the versions there are"
        case .noServingModel: "no model serves yet; train one first (`mcnd train`) or name a version"
        case .nothingToRollBackTo(let v): "model \(v) is the only one that has served; `mcnd models pin N` serves another"
        case .state(let e): e.description
        }
    }
}
