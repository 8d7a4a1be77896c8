import Logging

/// Inputs whose outcome is durable but that could not be moved out of their
/// folder (see `BlockedMove`): their journal rows stay (marked `waiting`), they
/// are not read, hashed or journaled again, and the move is retried. Each
/// folder is announced once — one `error` event while it has waiting inputs,
/// one log line per process — not once per retry.
final class WaitingMoves {
    /// By source (relative to the root).
    private(set) var rows: [RawPath: JournalRecord] = [:]
    /// Why each folder's inputs wait, as last seen by this process.
    private(set) var reasons: [String: BlockedMove] = [:]
    private var logged: Set<String> = []
    private let outbox: Outbox
    private let logger: Logger

    init(rows: [JournalRecord], outbox: Outbox, logger: Logger) {
        for row in rows { self.rows[row.source] = row }
        self.outbox = outbox
        self.logger = logger
    }

    var count: Int { rows.count }
    var isEmpty: Bool { rows.isEmpty }
    func row(for source: RawPath) -> JournalRecord? { rows[source] }

    /// Waiting inputs per folder (relative to the root).
    var perFolder: [String: Int] {
        var out: [String: Int] = [:]
        for source in rows.keys { out[source.parent.display, default: 0] += 1 }
        return out
    }

    /// Records a pass's results: `moved` rows are gone, `blocked` ones wait.
    func update(moved: [JournalRecord], blocked: [(entry: JournalRecord, why: BlockedMove)]) {
        let before = perFolder
        var cleared: Set<String> = []
        for entry in moved where rows.removeValue(forKey: entry.source) != nil {
            cleared.insert(entry.source.parent.display)
        }
        for (entry, why) in blocked {
            var row = entry
            if row.waiting == nil { row.waiting = Timestamp.now() }
            rows[entry.source] = row
            reasons[entry.source.parent.display] = why
        }
        let after = perFolder
        for folder in cleared where after[folder] == nil {
            logger.info("\(folder): none of its \(before[folder] ?? 0) inputs waits to be moved any more")
            logged.remove(folder)
            reasons[folder] = nil
        }
        for (folder, why) in reasons.sorted(by: { $0.key < $1.key }) where !logged.contains(folder) && after[folder] != nil {
            logged.insert(folder)
            logger.error("\(why)")
            // A folder that already had waiting inputs (an earlier pass, an earlier run) was announced then.
            if before[folder] == nil { announce(folder, why) }
        }
    }

    private func announce(_ folder: String, _ why: BlockedMove) {
        outbox.emit(.error) { line in
            line.add("detail", why.description)
            line.add("folder", folder)
        }
    }
}
