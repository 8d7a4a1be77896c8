import GRDB

/// The clean-stop record (`meta.clean_stop`): the holder of the root clears
/// it when it opens the state and writes it back as the last thing it does
/// when it stops without a failed statement. Its absence at the next open —
/// a kill, a power cut, a failed write, damage SQLite reported — is what makes
/// that open run the full check (StateCheck).
extension StateStore {
    /// Records the clean stop and empties the WAL into the database file, so
    /// that the next open can hold the file's header against its size. False
    /// when not recorded: this process does not hold the root, a statement
    /// failed, or the write itself failed (then the next open checks everything).
    @discardableResult
    public func recordCleanStop() -> Bool {
        guard holdsRoot, !failed.withLock({ $0 }) else { return false }
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(
                    sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    arguments: [MetaKey.cleanStop.rawValue, Timestamp.now()])
                // A reader still open (`mcnd status`) may keep the WAL from being emptied: the next open then checks everything.
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
            return true
        } catch {
            return false
        }
    }

    /// Whether the last holder of the root recorded a clean stop.
    static func cleanStop(_ db: Database) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [MetaKey.cleanStop.rawValue]) != nil
    }

    /// The holder opened the state: until it records a clean stop, an end of any other kind is what the record's absence says.
    static func clearCleanStop(_ pool: any DatabaseWriter) throws {
        try pool.write { db in
            guard try cleanStop(db) else { return }
            try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [MetaKey.cleanStop.rawValue])
        }
    }
}
