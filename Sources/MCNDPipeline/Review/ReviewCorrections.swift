/// Recognizes a labeled file that came from review/ (same content as a
/// waiting prediction): the example gets a `confirmed` or `corrected` event
/// line, and the queue item is resolved in the same transaction.
struct ReviewCorrections {
    let store: StateStore
    /// Items claimed in this batch (two copies of one file resolve it once).
    private var claimed: Set<Int64> = []
    /// The waiting items with the batch's contents, read once for the batch.
    private let waiting: [String: [ReviewItem]]

    /// `sha256`: the contents of the batch's files.
    init(store: StateStore, sha256: some Sequence<String>) throws(PipelineError) {
        self.store = store
        waiting = try store.waitingReviews(sha256: sha256)
    }

    /// Marks `outcome` (an example or duplicate of `label`) as the resolution of a waiting item, if any:
    /// the one the file was (same identity: a `mv` keeps it), else the oldest with the same content.
    mutating func resolve(_ outcome: inout JournalRecord, file: RawPath, label: String) throws(PipelineError) {
        // The content first: most examples resolve nothing, and the identity's text is made per file.
        guard let sha = outcome.sha256, let items = waiting[sha], let identity = outcome.identity?.text,
            let item = items.first(where: { $0.identity == identity }) ?? items.first, let id = item.id, !claimed.contains(id)
        else { return }
        claimed.insert(id)
        let (status, line) = ReviewEvents.resolution(item, file: file, label: label)
        outcome.outbox = .events
        outcome.line = OutboxLine(line)
        outcome.review = .resolved(id: id, status: status, label: label)
    }
}
