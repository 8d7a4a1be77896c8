/// The `event` of an events.jsonl line (docs/json-lines.md). Model pins,
/// unpins and rollbacks are `ModelEvent`; review confirmations `ReviewEvents`.
public enum EventKind: String, Sendable, Codable, CaseIterable {
    /// An input moved to rejected/ (the reason says why).
    case rejected
    /// A labeled input whose content is an example under another label already.
    case conflict
    /// Something an operator should see: a failed pass, a folder mcnd may not change, …
    case error
    case started
    case stopped
    case reloaded
    case runStarted = "run_started"
    case runFinished = "run_finished"
    case modelPromoted = "model_promoted"
    case modelNotPromoted = "model_not_promoted"
    /// Prediction requests wait in the inbox until a model exists.
    case waitingForModel = "waiting_for_model"
    /// A truncated file left for its writer to finish (IncompleteFiles).
    case waitingForComplete = "waiting_for_complete"
}
