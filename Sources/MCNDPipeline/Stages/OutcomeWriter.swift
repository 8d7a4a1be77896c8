/// Makes a batch of outcomes happen exactly once, crash or not:
/// 1. one transaction records the batch's examples and journal entries
///    (each line with the offset it must land at);
/// 2. the lines are appended (one `write` each) and the outbox files fsynced;
/// 3. the inputs are moved (or deleted) and their folders fsynced;
/// 4. the journal entries are cleared.
/// `recover()` finishes whatever a crash interrupted: a line already at its
/// offset is not written again, a torn one is cut and rewritten.
final class OutcomeWriter {
    let layout: RootLayout
    let store: StateStore
    let outboxes: [String: OutboxFile]

    init(layout: RootLayout, store: StateStore, outboxes: [String: OutboxFile]) {
        self.layout = layout
        self.store = store
        self.outboxes = outboxes
    }

    func complete(examples: [NewExample], outcomes: [PlannedOutcome], validationFraction: Double) throws(PipelineError) {
        guard !outcomes.isEmpty || !examples.isEmpty else { return }
        let files = outboxes.keys.sorted().map { outboxes[$0]! }
        for f in files { f.lockForAppending() }
        defer { for f in files.reversed() { f.unlockForAppending() } }
        var ends: [String: Int] = [:]
        var entries: [JournalEntry] = []
        for o in outcomes {
            var entry = JournalEntry(source: o.source.bytes, sha256: o.sha256, outcome: o.outcome, destination: o.destination?.bytes,
                                     identity: o.identity?.text)
            if let name = o.outbox, let line = o.line, let file = outboxes[name] {
                var offset = ends[name] ?? -1
                if offset < 0 { offset = try file.size() }
                entry.outbox = name; entry.offset = offset; entry.line = Array(line.utf8)
                ends[name] = offset + line.utf8.count
            }
            entries.append(entry)
        }
        let journal = try store.commit(examples: examples, journal: entries, validationFraction: validationFraction)
        try finish(journal, verifyLines: false)
    }

    /// Completes entries left by a crash.
    func recover() throws(PipelineError) {
        let pending = try store.pendingJournal()
        guard !pending.isEmpty else { return }
        try finish(pending, verifyLines: true)
    }

    private func finish(_ journal: [JournalEntry], verifyLines: Bool) throws(PipelineError) {
        var touched: Set<String> = []
        for entry in journal.sorted(by: { ($0.offset ?? 0) < ($1.offset ?? 0) }) {
            guard let name = entry.outbox, let line = entry.line, let offset = entry.offset, let file = outboxes[name] else { continue }
            if verifyLines {
                try ensureLine(line, at: offset, in: file)
            } else {
                try file.append(String(decoding: line, as: UTF8.self))
            }
            touched.insert(name)
        }
        for name in touched.sorted() { try outboxes[name]!.sync() }

        var folders: Set<RawPath> = []
        let root = RawPath(layout.root)
        for entry in journal {
            let source = root + RawPath(entry.source)
            guard let now = source.identity() else { continue }
            // Another file renamed over the input (or the input rewritten) after
            // it was read is a new input: leave it for the next scan.
            if let decided = entry.identity, decided != now.text { continue }
            if let destination = entry.destination {
                let target = root + RawPath(destination)
                if !folders.contains(target.parent) { try target.parent.makeDirectories() }
                try source.move(to: target)
                folders.insert(target.parent)
            } else {
                try source.remove()
            }
            folders.insert(source.parent)
        }
        for folder in folders where folder.exists { try folder.syncDirectory() }
        try store.clearJournal(journal.compactMap(\.id))
    }

    /// Leaves exactly one copy of `line` at `offset`: present → nothing; the file
    /// ends at `offset` (or earlier, rotated) → append; a torn copy → cut, append.
    private func ensureLine(_ line: [UInt8], at offset: Int, in file: OutboxFile) throws(PipelineError) {
        let size = try file.size()
        if size >= offset + line.count, try file.read(offset ..< offset + line.count) == line { return }
        if size > offset {
            let tail = try file.read(offset ..< size)
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
