import Logging
import MCNDFileSystem
import MCNDThreads

/// Makes a batch of outcomes happen exactly once, crash or not:
/// 1. one transaction records the batch's examples and journal entries
///    (each line with the offset it must land at; one row per input);
/// 2. the lines are appended (one `write` per outbox file) and those files fsynced;
/// 3. the inputs are moved (or deleted) and their folders fsynced (`InputMover`);
/// 4. the journal entries are cleared.
/// A stage may let step 3 of one batch run while it commits the next: each
/// batch keeps its own order, and the rows of both are durable before either
/// moves. Such a batch's step 4 goes into the transaction of the first commit
/// after its moves (or `finishMoves()`): a row left a little longer only means
/// a crash finds an input already moved, which recovery clears.
/// `recover()` finishes whatever a crash interrupted: a line already at its
/// offset is not written again, a torn one is cut and rewritten. An input whose
/// folder mcnd may not change keeps its row, marked waiting (`WaitingMoves`).
final class Journal {
    let root: Directory
    let store: StateStore
    let outbox: Outbox
    let waiting: WaitingMoves
    /// A batch failed after its commit (disk full, I/O): its rows are finished
    /// (`recover()`) before the next pass decides anything.
    private var unfinished = false
    /// The last batch's moves, running while the stage commits the next (`complete(…, overlapping: true)`).
    private var moving: OwnThread<Result<InputMover.Moved, PipelineError>>?
    /// Rows of an overlapping batch whose inputs have moved, cleared with the next commit.
    private var moved: [Int64] = []

    init(root: Directory, store: StateStore, outbox: Outbox, logger: Logger) throws(PipelineError) {
        self.root = root
        self.store = store
        self.outbox = outbox
        waiting = WaitingMoves(rows: try store.pendingJournal().filter { $0.waiting != nil }, outbox: outbox, logger: logger)
    }

    /// Makes `outcomes` (planned: no offsets yet) and `examples` happen, steps 1–4 above.
    /// `overlapping`: steps 3–4 run on another thread and this returns after
    /// step 2, so a stage can commit its next batch while this one's files
    /// move (kernel work on one core); the next `complete` — or `finishMoves()`,
    /// which the stage calls before it returns — waits for them.
    func complete(
        examples: [NewExample], outcomes: [JournalRecord], validationFraction: Double, overlapping: Bool = false
    ) throws(PipelineError) {
        guard !outcomes.isEmpty || !examples.isEmpty else { return }
        // Every outbox held from choosing the offsets until the lines are written, so the offsets stay true.
        let journal = try outbox.whileAppending { () throws(PipelineError) -> [JournalRecord] in
            // Each outbox file's end: the commit places the lines from there. One row per input: the
            // commit leaves out an input that has one (it waits to be moved), which is not decided again.
            var ends: [OutboxName: Int] = [:]
            for case (let name?, _?) in outcomes.lazy.map({ ($0.outbox, $0.line) }) where ends[name] == nil {
                ends[name] = try outbox.file(name).size()
            }
            let journal = try store.commit(
                examples: examples, journal: outcomes, reviews: [], validationFraction: validationFraction, clearing: moved,
                appendingAt: ends)
            moved = []
            unfinished = true
            try writeLines(journal, verify: false)
            return journal
        }
        // The batch before moved its files while this one was committed.
        try awaitMoves()
        unfinished = true
        if overlapping {
            let mover = InputMover(root: root)
            moving = OwnThread("mcnd-moves") { Result { () throws(PipelineError) in try mover.move(journal) } }
        } else {
            try moveNow(journal)
            unfinished = false
        }
    }

    /// Waits for the moves of an overlapping batch and clears the rows of
    /// those moved (nothing to do without one). A failure leaves its rows for
    /// `recover()`, like a failed batch.
    func finishMoves() throws(PipelineError) {
        try awaitMoves()
        try store.clearJournal(moved)
        moved = []
    }

    /// Waits for the moves of an overlapping batch; the rows of those moved
    /// are kept for the next commit to clear.
    private func awaitMoves() throws(PipelineError) {
        guard let work = moving else { return }
        moving = nil
        let result = try work.wait().get()
        moved += result.done.compactMap(\.id)
        try settle(result)
        unfinished = false
    }

    /// Completes entries left by a crash (or a failed pass), and tries the waiting moves again.
    func recover() throws(PipelineError) {
        try finishMoves()
        let pending = try store.pendingJournal()
        guard !pending.isEmpty else { return }
        try finish(pending, verifyLines: true)
    }

    /// Tries the waiting moves again; returns how many still wait.
    func retryWaiting() throws(PipelineError) -> Int {
        try finishMoves()
        guard !waiting.isEmpty else { return 0 }
        try finish(Array(waiting.rows.values), verifyLines: true)
        return waiting.count
    }

    /// Before a pass decides `entries` (relative to inbox/): finishes what a failed
    /// pass left, and leaves out the inputs whose outcome is recorded and wait to be
    /// moved — not read, hashed or journaled again. One whose file changed since
    /// is checked first (`InputMatch`): a rewrite is a new input and is kept.
    func undecided(_ entries: [InboxEntry]) throws(PipelineError) -> [InboxEntry] {
        try finishMoves()
        var entries = entries
        if unfinished {
            try recover()
            unfinished = false
            entries = entries.filter { root.exists(RootLayout.Folder.inbox.name + $0.relative) }
        }
        guard !waiting.isEmpty else { return entries }
        let changed = entries.compactMap { entry -> JournalRecord? in
            guard let row = waiting.row(for: RootLayout.Folder.inbox.name + entry.relative) else { return nil }
            let now = ((try? root.status(row.source)) ?? nil).map(FileIdentity.init)
            return now == row.identity ? nil : row
        }
        if !changed.isEmpty { try finish(changed, verifyLines: true) }
        return entries.filter { waiting.row(for: RootLayout.Folder.inbox.name + $0.relative) == nil }
    }

    private func finish(_ journal: [JournalRecord], verifyLines: Bool) throws(PipelineError) {
        try writeLines(journal, verify: verifyLines)
        try moveNow(journal)
    }

    /// Steps 3 and 4 on this thread: the moves, then the rows of those done cleared.
    private func moveNow(_ journal: [JournalRecord]) throws(PipelineError) {
        let result = try InputMover(root: root).move(journal)
        try store.clearJournal(result.done.compactMap(\.id))
        try settle(result)
    }

    /// Step 2: the lines, then one fsync per outbox file touched.
    private func writeLines(_ journal: [JournalRecord], verify: Bool) throws(PipelineError) {
        var touched: Set<OutboxName> = []
        // A new batch's lines follow one another from each file's end: one write per file.
        var appended: [OutboxName: [UInt8]] = [:]
        // A waiting row's line was made durable before its move was first tried. By index: most rows
        // of an ingest batch have no line, and a batch's records are too many to copy twice.
        let order = journal.indices.filter { journal[$0].waiting == nil && journal[$0].line != nil }
            .sorted { (journal[$0].offset ?? 0) < (journal[$1].offset ?? 0) }
        for index in order {
            guard let name = journal[index].outbox, let line = journal[index].line, let offset = journal[index].offset else { continue }
            if verify {
                try outbox.file(name).ensureLine(line.bytes, at: offset)
            } else {
                appended[name, default: []] += line.bytes
            }
            touched.insert(name)
        }
        for name in OutboxName.allCases {
            if let bytes = appended[name] { try outbox.file(name).append(bytes: bytes) }
            if touched.contains(name) { try outbox.file(name).sync() }
        }
    }

    /// After steps 3–4: the rows of inputs the folder's permissions kept in
    /// place are marked waiting (only those newly waiting, or touched since).
    private func settle(_ moved: InputMover.Moved) throws(PipelineError) {
        try store.markWaiting(
            moved.blocked.map(\.entry).filter { $0.waiting == nil || waiting.row(for: $0.source)?.identity != $0.identity })
        waiting.update(moved: moved.done, blocked: moved.blocked)
    }
}
