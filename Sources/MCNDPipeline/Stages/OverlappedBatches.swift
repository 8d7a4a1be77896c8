import MCNDFileSystem
import MCNDThreads

/// The batch loop both stages share: while one batch is decided and journaled
/// on the caller's thread, the next is read on others (`read`: nothing on disk
/// changes), and the one before moves its files (`Journal.complete(…,
/// overlapping: true)`, which `decide` calls). Batches are decided in order.
enum OverlappedBatches {
    /// `decide` gets each batch and the names it must not plan — the last two
    /// batches' destinations, whose files may still be on their way there — and
    /// adds its own to them (`PlannedNames`).
    static func run<Batch: Sendable>(
        _ entries: [InboxEntry], size: Int, journal: Journal, read: @escaping @Sendable (ArraySlice<InboxEntry>) -> Batch,
        decide: (Batch, inout PlannedNames) throws(PipelineError) -> Void
    ) throws(PipelineError) {
        let size = max(1, size)
        let chunks = stride(from: 0, to: entries.count, by: size).map { entries[$0..<min($0 + size, entries.count)] }
        var next: OwnThread<Batch>? = chunks.first.map { chunk in OwnThread("mcnd-read") { read(chunk) } }
        // A batch that failed to journal still lets the next one's reading, and the last one's moves,
        // finish before the error goes up (a failed move leaves its rows for recovery).
        defer {
            _ = next?.wait()
            try? journal.finishMoves()
        }
        var recent: [Set<RawPath>] = []
        for index in chunks.indices {
            let batch = next!.wait()
            next = index + 1 < chunks.count ? OwnThread("mcnd-read") { [chunk = chunks[index + 1]] in read(chunk) } : nil
            var planned = PlannedNames(earlier: recent)
            try decide(batch, &planned)
            recent = Array((recent + [planned.chosen]).suffix(2))
        }
        try journal.finishMoves()
    }
}
