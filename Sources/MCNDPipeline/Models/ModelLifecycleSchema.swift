import GRDB

/// The tables behind `mcnd models pin|unpin|rollback`, added to existing
/// roots by the `model-lifecycle` migration (nothing existing changes):
///
/// - `model_pin`: at most one row, the version that serves until unpinned;
///   a run finishing while it is there is recorded but not promoted.
/// - `serving_history`: every version that became the serving one, in order
///   (filled by triggers on `models.serving`, whoever sets it), which is
///   what `rollback` goes back along.
/// - `model_changes`: each pin, unpin and rollback, until the process that
///   holds the root (the daemon, `--once`) has written its event line.
enum ModelLifecycleSchema {
    static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE model_pin (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    version INTEGER NOT NULL REFERENCES models(version),
                    pinned TEXT NOT NULL);
                CREATE TABLE serving_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    version INTEGER NOT NULL,
                    since TEXT NOT NULL);
                CREATE TABLE model_changes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    event TEXT NOT NULL,
                    version INTEGER,
                    previous INTEGER,
                    time TEXT NOT NULL,
                    emitted INTEGER NOT NULL DEFAULT 0);
                -- A root from before this migration: its promotions, oldest first.
                INSERT INTO serving_history (version, since)
                    SELECT version, promoted FROM models WHERE promoted IS NOT NULL ORDER BY promoted, version;
                CREATE TRIGGER serving_history_insert AFTER INSERT ON models WHEN NEW.serving = 1
                BEGIN
                    INSERT INTO serving_history (version, since) VALUES (NEW.version, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
                END;
                CREATE TRIGGER serving_history_update AFTER UPDATE OF serving ON models WHEN NEW.serving = 1 AND OLD.serving = 0
                BEGIN
                    INSERT INTO serving_history (version, since) VALUES (NEW.version, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
                END;
                """)
    }

    static func pinnedVersion(_ db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT version FROM model_pin WHERE id = 1")
    }

    static func pinnedReason(_ version: Int) -> String {
        "model \(version) is pinned; `mcnd models unpin` lets new models serve again"
    }
}
