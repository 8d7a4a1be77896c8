import Foundation
import GRDB

/// The journal table (`Journal`): a batch's rows written with its examples in
/// one transaction, read back after a crash, cleared once done.
extension StateStore {
    /// In one transaction: the new examples (and their labels) and the journal
    /// records of the batch (one row per input: an input that has one already is
    /// left out). Returns the records written, with their ids.
    public func commit(
        examples: [NewExample], journal: [JournalRecord], validationFraction: Double, clearing: [Int64] = []
    ) throws(PipelineError) -> [JournalRecord] {
        try commit(examples: examples, journal: journal, reviews: [], validationFraction: validationFraction, clearing: clearing)
    }

    /// … and the review queue's changes of the batch (StateStore+Review.swift),
    /// and the rows `clearing` of an earlier batch whose inputs have moved: one
    /// transaction (and one WAL sync) fewer per batch than clearing them apart.
    /// `appendingAt`: the records are planned (no offsets yet) and each outbox
    /// file's end is given; a record's line is placed where the last one
    /// written ends, and only once its row is in — an input that has a row
    /// already (it waits to be moved) is left out and takes no room, without a
    /// query to find such inputs first. Its review change is then left out too.
    func commit(
        examples: [NewExample], journal: [JournalRecord], reviews: [ReviewChange],
        validationFraction: Double, clearing: [Int64] = [], appendingAt ends: [OutboxName: Int]? = nil
    ) throws(PipelineError) -> [JournalRecord] {
        let now = Timestamp.now()
        return try write { db in
            try Self.deleteJournal(clearing, db)
            // Statements compiled once per connection (cachedStatement), not once per row.
            let insertLabel = try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO labels (idx, name, created) VALUES ((SELECT COALESCE(MAX(idx) + 1, 0) FROM labels), ?, ?)")
            let insertExample = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO examples (sha256, label_idx, split, width, height, channels, pixels, original_name, added, source_format)
                    VALUES (?, (SELECT idx FROM labels WHERE name = ?), ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let insertJournal = try db.cachedStatement(
                sql: """
                    INSERT INTO journal (source, sha256, outcome, outbox, offset, line, destination, identity, created)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(source) DO NOTHING
                    """)
            // Each new label once, in the order the batch first names it (that order gives its index).
            var named: Set<String> = []
            for e in examples where named.insert(e.label).inserted { try insertLabel.execute(arguments: [e.label, now]) }
            for e in examples {
                let split = ValidationSplit.isValidation(sha256: e.sha256, fraction: validationFraction) ? "validation" : "train"
                var row = RowBinding(insertExample, parameters: 10)
                try row.bind(e.sha256)
                try row.bind(e.label)
                try row.bind(split)
                try row.bind(e.width)
                try row.bind(e.height)
                try row.bind(e.channels)
                try row.bind(Data(e.pixels))
                try row.bind(e.originalName)
                try row.bind(now)
                try row.bind(e.source?.key)
                try row.execute()
            }
            var out: [JournalRecord] = []
            var ends = ends
            for var entry in journal {
                let name = entry.line == nil ? nil : entry.outbox
                if ends != nil {
                    if let name { entry.offset = ends?[name] } else { (entry.outbox, entry.line) = (nil, nil) }
                }
                var row = RowBinding(insertJournal, parameters: 9)
                try row.bind(Data(entry.source.bytes))
                try row.bind(entry.sha256)
                try row.bind(entry.outcome.rawValue)
                try row.bind(entry.outbox?.rawValue)
                try row.bind(entry.offset)
                try row.bind(entry.line.map { Data($0.bytes) })
                try row.bind(entry.destination.map { Data($0.bytes) })
                try row.bind(entry.identity?.text)
                try row.bind(now)
                try row.execute()
                guard db.changesCount > 0 else { continue }
                if let name, let offset = entry.offset, let line = entry.line, ends != nil { ends?[name] = offset + line.bytes.count }
                entry.id = db.lastInsertedRowID
                out.append(entry)
            }
            try OutcomeCounter.add(ends == nil ? journal : out, in: db)
            try Self.apply(ends == nil ? reviews : out.compactMap(\.review), db, now: now)
            return out
        }
    }

    /// Every row, oldest first. A row this mcnd cannot read (an outcome a newer
    /// version wrote) is an error: guessing would move or delete an input wrongly.
    public func pendingJournal() throws(PipelineError) -> [JournalRecord] {
        try read { db in
            do {
                return try JournalRecord.fetchAll(db, sql: "SELECT * FROM journal ORDER BY id")
            } catch {
                let known = JournalRecord.Outcome.allCases.map(\.rawValue)
                let sql = "SELECT outcome FROM journal WHERE outcome NOT IN (\(known.map { _ in "?" }.joined(separator: ","))) LIMIT 1"
                if let unknown = try String.fetchOne(db, sql: sql, arguments: StatementArguments(known)) {
                    throw PipelineError.unknownJournalOutcome(path: path, outcome: unknown)
                }
                throw error
            }
        }
    }

    public func clearJournal(_ ids: [Int64]) throws(PipelineError) {
        guard !ids.isEmpty else { return }
        try write { db in try Self.deleteJournal(ids, db) }
    }

    /// Deletes the rows `ids`, one statement per run of consecutive ids (a
    /// batch's rows mostly are one): one compiled statement, not a query built
    /// for every batch's list of keys.
    static func deleteJournal(_ ids: [Int64], _ db: Database) throws {
        guard !ids.isEmpty else { return }
        let delete = try db.cachedStatement(sql: "DELETE FROM journal WHERE id BETWEEN ? AND ?")
        let sorted = Array(Set(ids)).sorted()
        var first = sorted[0], last = sorted[0]
        for id in sorted.dropFirst() {
            if id == last + 1 {
                last = id
                continue
            }
            try delete.execute(arguments: [first, last])
            (first, last) = (id, id)
        }
        try delete.execute(arguments: [first, last])
    }
}

/// The same table's rows of inputs that wait to be moved (`WaitingMoves`).
extension StateStore {
    /// Marks rows as waiting (from now, unless already) with the identity their file has now.
    func markWaiting(_ entries: [JournalRecord]) throws(PipelineError) {
        let ids = entries.compactMap { entry in entry.id.map { (id: $0, identity: entry.identity) } }
        guard !ids.isEmpty else { return }
        let now = Timestamp.now()
        try write { db in
            let update = try db.cachedStatement(sql: "UPDATE journal SET waiting = COALESCE(waiting, ?), identity = ? WHERE id = ?")
            for row in ids { try update.execute(arguments: [now, row.identity, row.id]) }
        }
    }

    /// Inputs waiting to be moved, per folder (relative to the root), for `mcnd status`.
    public func waitingToMove() throws(PipelineError) -> [String: Int] {
        try read { db in
            var out: [String: Int] = [:]
            for data in try Data.fetchAll(db, sql: "SELECT source FROM journal WHERE waiting IS NOT NULL") {
                out[RawPath([UInt8](data)).parent.display, default: 0] += 1
            }
            return out
        }
    }

    /// The sources (relative to the root) of the inputs waiting to be moved.
    public func waitingSources() throws(PipelineError) -> Set<[UInt8]> {
        try read { db in Set(try Data.fetchAll(db, sql: "SELECT source FROM journal WHERE waiting IS NOT NULL").map { [UInt8]($0) }) }
    }
}
