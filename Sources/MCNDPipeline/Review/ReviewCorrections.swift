/// Recognizes a labeled file that came from review/ (same content as a
/// waiting prediction): the example gets a `confirmed` or `corrected` event
/// line, and the queue item is resolved in the same transaction.
struct ReviewCorrections {
    let store: StateStore
    /// Items claimed in this batch (two copies of one file resolve it once).
    private var claimed: Set<Int64> = []

    init(store: StateStore) { self.store = store }

    /// Marks `outcome` (an example or duplicate of `label`) as the resolution of a waiting item, if any.
    mutating func resolve(_ outcome: inout JournalRecord, file: RawPath, label: String) throws(PipelineError) {
        guard let sha = outcome.sha256, let identity = outcome.identity?.text,
            let item = try store.waitingReview(sha256: sha, identity: identity), let id = item.id, !claimed.contains(id)
        else { return }
        claimed.insert(id)
        let (status, line) = ReviewEvents.resolution(item, file: file, label: label)
        outcome.outbox = .events
        outcome.line = OutboxLine(line)
        outcome.review = .resolved(id: id, status: status, label: label)
    }
}
