import Logging
import MCNDFileSystem

/// Makes a batch of outcomes happen exactly once, crash or not:
/// 1. one transaction records the batch's examples and journal entries
///    (each line with the offset it must land at; one row per input);
/// 2. the lines are appended (one `write` each) and the outbox files fsynced;
/// 3. the inputs are moved (or deleted) and their folders fsynced;
/// 4. the journal entries are cleared.
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

    init(root: Directory, store: StateStore, outbox: Outbox, logger: Logger) throws(PipelineError) {
        self.root = root
        self.store = store
        self.outbox = outbox
        waiting = WaitingMoves(rows: try store.pendingJournal().filter { $0.waiting != nil }, outbox: outbox, logger: logger)
    }

    /// Makes `outcomes` (planned: no offsets yet) and `examples` happen, steps 1–4 above.
    func complete(examples: [NewExample], outcomes: [JournalRecord], validationFraction: Double) throws(PipelineError) {
        guard !outcomes.isEmpty || !examples.isEmpty else { return }
        // Every outbox held from choosing the offsets until the lines are written, so the offsets stay true.
        try outbox.whileAppending { () throws(PipelineError) in
            var ends: [OutboxName: Int] = [:]
            var entries: [JournalRecord] = []
            // One row per input: an input that has one (it waits to be moved) is not decided again.
            let journaled = try store.journaled(outcomes.map(\.source))
            for var entry in outcomes where !journaled.contains(entry.source) {
                if let name = entry.outbox, let line = entry.line {
                    var offset = ends[name] ?? -1
                    if offset < 0 { offset = try outbox.file(name).size() }
                    entry.offset = offset
                    ends[name] = offset + line.bytes.count
                } else {
                    (entry.outbox, entry.line) = (nil, nil)
                }
                entries.append(entry)
            }
            let journal = try store.commit(
                examples: examples, journal: entries, reviews: entries.compactMap(\.review),
                validationFraction: validationFraction)
            unfinished = true
            try finish(journal, verifyLines: false)
            unfinished = false
        }
    }

    /// Completes entries left by a crash (or a failed pass), and tries the waiting moves again.
    func recover() throws(PipelineError) {
        let pending = try store.pendingJournal()
        guard !pending.isEmpty else { return }
        try finish(pending, verifyLines: true)
    }

    /// Tries the waiting moves again; returns how many still wait.
    func retryWaiting() throws(PipelineError) -> Int {
        guard !waiting.isEmpty else { return 0 }
        try finish(Array(waiting.rows.values), verifyLines: true)
        return waiting.count
    }

    /// Before a pass decides `entries` (relative to inbox/): finishes what a failed
    /// pass left, and leaves out the inputs whose outcome is recorded and wait to be
    /// moved — not read, hashed or journaled again. One whose file changed since
    /// is checked first (`InputMatch`): a rewrite is a new input and is kept.
    func undecided(_ entries: [InboxEntry]) throws(PipelineError) -> [InboxEntry] {
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
        try move(journal)
    }

    /// Step 2: the lines, then one fsync per outbox file touched.
    private func writeLines(_ journal: [JournalRecord], verify: Bool) throws(PipelineError) {
        var touched: Set<OutboxName> = []
        // A waiting row's line was made durable before its move was first tried.
        for entry in journal.filter({ $0.waiting == nil }).sorted(by: { ($0.offset ?? 0) < ($1.offset ?? 0) }) {
            guard let name = entry.outbox, let line = entry.line, let offset = entry.offset else { continue }
            let file = outbox.file(name)
            if verify {
                try ensureLine(line.bytes, at: offset, in: file)
            } else {
                try file.append(line.text)
            }
            touched.insert(name)
        }
        for name in OutboxName.allCases where touched.contains(name) { try outbox.file(name).sync() }
    }

    /// Steps 3 and 4: the moves, the folders' fsyncs, the rows cleared (or marked waiting).
    private func move(_ journal: [JournalRecord]) throws(PipelineError) {
        var folders: Set<RawPath> = []
        var made: Set<RawPath> = []
        var done: [JournalRecord] = []
        var blocked: [(entry: JournalRecord, why: BlockedMove)] = []
        for entry in journal {
            let source = entry.source
            // Another file renamed over the input, or the input rewritten, after it
            // was read is a new input: leave it for the next scan. A touch is not.
            // Gone, or a folder on its way swapped for a symlink: nothing of ours to move.
            guard case .same(let now) = InputMatch.check(source, in: root, decided: entry.identity, sha256: entry.sha256) else {
                done.append(entry)
                continue
            }
            do throws(FileSystemError) {
                if let target = entry.destination {
                    if !made.contains(target.parent) {
                        // A new folder's own entry is durable once its parent is synced.
                        for folder in try root.makeDirectories(target.parent) { folders.insert(folder.parent) }
                        made.insert(target.parent)
                    }
                    try moveKeepingBoth(source, to: target)
                    folders.insert(target.parent)
                } else {
                    try root.remove(source)
                }
                folders.insert(source.parent)
                done.append(entry)
            } catch {
                guard
                    let why = BlockedMove(
                        errno: error.errno, root: root, source: source,
                        destination: entry.destination)
                else { throw PipelineError(error) }
                var row = entry
                row.identity = now
                blocked.append((row, why))
            }
        }
        do {
            for folder in folders.sorted(by: { $0.bytes.count > $1.bytes.count }) where folder.isEmpty || root.exists(folder) {
                try root.sync(folder)
            }
        } catch {
            throw PipelineError(error)
        }
        try store.clearJournal(done.compactMap(\.id))
        // Only rows newly waiting, or whose file was touched since, are written.
        try store.markWaiting(blocked.map(\.entry).filter { $0.waiting == nil || waiting.row(for: $0.source)?.identity != $0.identity })
        waiting.update(moved: done, blocked: blocked)
    }

    /// Renames without replacing: a file someone put at the destination since
    /// it was chosen stays, and the input goes beside it (`name-r1.png`, …).
    private func moveKeepingBoth(_ source: RawPath, to target: RawPath) throws(FileSystemError) {
        var candidate = target
        for n in 1...1000 {
            do {
                return try root.rename(source, to: candidate)
            } catch  where error.errno == .fileExists {
                candidate = DestinationNamer.suffixed(target, "-r\(n)")
            }
        }
        try root.rename(source, to: candidate)
    }

    /// Leaves exactly one copy of `line` at `offset`: present → nothing; the file
    /// ends at `offset` (or earlier, rotated) → append; a torn copy → cut, append.
    private func ensureLine(_ line: [UInt8], at offset: Int, in file: OutboxFile) throws(PipelineError) {
        let size = try file.size()
        if size >= offset + line.count, try file.read(offset..<offset + line.count) == line { return }
        if size > offset {
            let tail = try file.read(offset..<size)
            if tail.count < line.count && Array(line.prefix(tail.count)) == tail {
                try file.truncate(to: offset)
            } else if !tail.contains(UInt8(ascii: "\n")) {
                // A fragment that is not ours and not a complete line: never leave it torn.
                try file.truncate(to: offset)
            }
        }
        try file.append(String(decoding: line, as: UTF8.self))
    }
}
