import Foundation
import GRDB
import MCNDModel

/// mcnd's durable state in state/mcnd.sqlite (WAL, synchronous=FULL): labels,
/// examples, runs and epochs, models, and the input journal.
public final class StateStore: Sendable {
    let pool: DatabasePool
    let path: String

    public init(layout: RootLayout) throws(PipelineError) {
        path = layout.database
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.read { db in
                let check = try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "no answer"
                guard check == "ok" else { throw PipelineError.corruptState(path: layout.database, reason: check) }
            }
            try StateSchema.migrator.migrate(pool)
        } catch let error as PipelineError {
            throw error
        } catch {
            throw .corruptState(path: path, reason: "\(error)")
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws(PipelineError) -> T {
        do { return try pool.write(body) } catch { throw Self.wrap(error, path) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(PipelineError) -> T {
        do { return try pool.read(body) } catch { throw Self.wrap(error, path) }
    }

    static func wrap(_ error: any Error, _ path: String) -> PipelineError {
        if let e = error as? PipelineError { return e }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_FULL: return .io(path: path, operation: "write", errno: ENOSPC)
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corruptState(path: path, reason: e.message ?? "\(e)")
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: return .io(path: path, operation: "open", errno: EACCES)
            default: break
            }
        }
        return .corruptState(path: path, reason: "\(error)")
    }

    // MARK: Labels and examples

    /// Label names by index.
    public func labels() throws(PipelineError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM labels ORDER BY idx") }
    }

    /// The label an example with this content already has, if any.
    public func existingLabel(sha256: String) throws(PipelineError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT l.name FROM examples e JOIN labels l ON l.idx = e.label_idx WHERE e.sha256 = ?",
                                arguments: [sha256])
        }
    }

    /// In one transaction: the new examples (and their labels) and the journal
    /// entries of the batch. Returns the entries with their ids.
    public func commit(examples: [NewExample], journal: [JournalEntry], validationFraction: Double) throws(PipelineError) -> [JournalEntry] {
        let now = Timestamp.now()
        return try write { db in
            for e in examples {
                try db.execute(sql: "INSERT OR IGNORE INTO labels (idx, name, created) VALUES ((SELECT COALESCE(MAX(idx) + 1, 0) FROM labels), ?, ?)",
                               arguments: [e.label, now])
                let split = ValidationSplit.isValidation(sha256: e.sha256, fraction: validationFraction) ? "validation" : "train"
                try db.execute(sql: """
                    INSERT OR IGNORE INTO examples (sha256, label_idx, split, width, height, channels, pixels, original_name, added)
                    VALUES (?, (SELECT idx FROM labels WHERE name = ?), ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [e.sha256, e.label, split, e.width, e.height, e.channels, Data(e.pixels), e.originalName, now])
            }
            var out: [JournalEntry] = []
            for var entry in journal {
                try db.execute(sql: """
                    INSERT INTO journal (source, sha256, outcome, outbox, offset, line, destination, identity, created)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [Data(entry.source), entry.sha256, entry.outcome.rawValue, entry.outbox, entry.offset,
                                     entry.line.map { Data($0) }, entry.destination.map { Data($0) }, entry.identity, now])
                entry.id = db.lastInsertedRowID
                out.append(entry)
            }
            return out
        }
    }

    public func pendingJournal() throws(PipelineError) -> [JournalEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM journal ORDER BY id").map { row in
                var entry = JournalEntry(
                    source: [UInt8](row["source"] as Data), sha256: row["sha256"],
                    outcome: JournalEntry.Outcome(rawValue: row["outcome"]) ?? .rejected,
                    outbox: row["outbox"], offset: row["offset"],
                    line: (row["line"] as Data?).map { [UInt8]($0) },
                    destination: (row["destination"] as Data?).map { [UInt8]($0) },
                    identity: row["identity"])
                entry.id = row["id"]
                return entry
            }
        }
    }

    public func clearJournal(_ ids: [Int64]) throws(PipelineError) {
        guard !ids.isEmpty else { return }
        try write { db in
            try db.execute(sql: "DELETE FROM journal WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ",")))",
                           arguments: StatementArguments(ids))
        }
    }

    // MARK: Meta

    public func meta(_ key: String) throws(PipelineError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    public func setMeta(_ key: String, _ value: String?) throws(PipelineError) {
        try write { db in
            if let value {
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               arguments: [key, value])
            } else {
                try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key])
            }
        }
    }
}

/// Validation membership by content: the first 32 bits of the SHA-256 as a
/// fraction of 2³², so a file's split never changes as the dataset grows.
public enum ValidationSplit {
    public static func isValidation(sha256: String, fraction: Double) -> Bool {
        guard fraction > 0, let head = UInt32(sha256.prefix(8), radix: 16) else { return false }
        return Double(head) / 4_294_967_296 < fraction
    }
}
