/// One batch of inbox files read, hashed and decoded (`InputPreparation`) —
/// the work that changes nothing on disk, done on other threads while the
/// batch before is being journaled.
struct PreparedBatch: Sendable {
    /// One per entry, in the batch's order.
    let prepared: [InputPreparation.Prepared]

    init(_ chunk: ArraySlice<InboxEntry>, preparation: InputPreparation) {
        prepared = preparation.prepare(chunk)
    }

    /// The contents of the files that were read.
    var sha256: [String] {
        prepared.compactMap { if case .success(let read) = $0.read { read.sha256 } else { nil } }
    }
}
