/// Why a request went to review/_unfamiliar/: the strings of
/// `unfamiliar_reason` in predictions.jsonl, the state and the metrics.
public enum UnfamiliarReason: String, Sendable, Codable, CaseIterable {
    /// Its source format (size, colour kind, transparency) is one the examples did not have.
    case format
    /// Its pixels are unlike the examples' (the content checks of `ReviewCalibration`).
    case content
}
