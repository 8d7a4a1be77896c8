/// One input's outcome as decided by a stage, before the journal makes it happen.
struct PlannedOutcome {
    /// The input, relative to the root.
    var source: RawPath
    var sha256: String?
    var outcome: JournalEntry.Outcome
    /// `predictions.jsonl` or `events.jsonl`, and the line for it.
    var outbox: String?
    var line: String?
    /// Relative to the root; nil = delete.
    var destination: RawPath?
    /// The file this outcome was decided on.
    var identity: FileIdentity?
    /// The review queue's change that goes with it, in the same transaction.
    var review: ReviewChange?
}
