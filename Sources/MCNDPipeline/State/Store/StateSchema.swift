import GRDB

/// The state database's tables, created and upgraded by migrations. docs/state.md
/// describes them for operators who open state/mcnd.sqlite with sqlite3.
enum StateSchema {
    /// A state a newer mcnd migrated (a migration this one does not know) is refused, never
    /// used half-understood: downgrading the package leaves the daemon stopped with this message.
    static func refuseNewer(_ db: Database, path: String) throws(PipelineError) {
        let unknown: Set<String>
        do { unknown = try migrator.appliedIdentifiers(db).subtracting(migrator.migrations) } catch { throw StateStore.wrap(error, path) }
        guard !unknown.isEmpty else { return }
        throw PipelineError.badLayout(
            "\(path) was written by a newer mcnd (state migrations \(unknown.sorted().joined(separator: ", ")) are unknown to mcnd "
                + "\(BuildInfo.version)); run that mcnd or a newer one")
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // Labels in first-seen order; `idx` is the network's output index, never reused or reordered.
            try db.execute(
                sql: """
                    CREATE TABLE labels (
                        idx INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        created TEXT NOT NULL);
                    CREATE TABLE examples (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        sha256 TEXT NOT NULL UNIQUE,
                        label_idx INTEGER NOT NULL REFERENCES labels(idx),
                        split TEXT NOT NULL CHECK (split IN ('train', 'validation')),
                        width INTEGER NOT NULL,
                        height INTEGER NOT NULL,
                        channels INTEGER NOT NULL,
                        pixels BLOB NOT NULL,
                        original_name TEXT NOT NULL,
                        added TEXT NOT NULL);
                    CREATE TABLE runs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        mode TEXT NOT NULL CHECK (mode IN ('full', 'incremental')),
                        started TEXT NOT NULL,
                        finished TEXT,
                        outcome TEXT,
                        reason TEXT,
                        last_example_id INTEGER NOT NULL,
                        train_samples INTEGER NOT NULL,
                        val_samples INTEGER NOT NULL,
                        model_version INTEGER);
                    CREATE TABLE epochs (
                        run_id INTEGER NOT NULL REFERENCES runs(id),
                        epoch INTEGER NOT NULL,
                        loss REAL,
                        val_loss REAL,
                        val_accuracy REAL,
                        seconds REAL NOT NULL,
                        PRIMARY KEY (run_id, epoch));
                    CREATE TABLE models (
                        version INTEGER PRIMARY KEY,
                        run_id INTEGER REFERENCES runs(id),
                        labels TEXT NOT NULL,
                        input TEXT NOT NULL,
                        hyperparameters TEXT NOT NULL,
                        metrics TEXT NOT NULL,
                        file BLOB NOT NULL,
                        created TEXT NOT NULL,
                        promoted TEXT,
                        serving INTEGER NOT NULL DEFAULT 0);
                    CREATE TABLE journal (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        source BLOB NOT NULL,
                        sha256 TEXT,
                        outcome TEXT NOT NULL,
                        outbox TEXT,
                        offset INTEGER,
                        line BLOB,
                        destination BLOB,
                        identity TEXT,
                        created TEXT NOT NULL);
                    CREATE TABLE meta (
                        key TEXT PRIMARY KEY,
                        value TEXT NOT NULL);
                    CREATE INDEX examples_label ON examples(label_idx);
                    """)
        }
        migrator.registerMigration("incomplete") { db in
            // Truncated files left in the inbox for their writer to finish, so that
            // each gets one waiting_for_complete event, not one per pass.
            try db.execute(
                sql: """
                    CREATE TABLE incomplete (
                        source BLOB PRIMARY KEY,
                        device INTEGER NOT NULL,
                        inode INTEGER NOT NULL,
                        first_seen TEXT NOT NULL);
                    """)
        }
        migrator.registerMigration("journal-one-row-per-input") { db in
            // One row per input: a retry never adds one. Rows left by
            // older versions' retries keep the newest per input (its line is the
            // one a crash could have left torn). `waiting`: the outcome is durable,
            // only the move is left (the folder is not writable by mcnd).
            try db.execute(
                sql: """
                    DELETE FROM journal WHERE id NOT IN (SELECT MAX(id) FROM journal GROUP BY source);
                    ALTER TABLE journal ADD COLUMN waiting TEXT;
                    CREATE UNIQUE INDEX journal_source ON journal(source);
                    """)
        }
        migrator.registerMigration("model-lifecycle", migrate: modelLifecycle)
        migrator.registerMigration("outcome-counters") { db in
            // Outcome counts for the metrics (OutcomeCounter); earlier outcomes are not counted.
            try db.execute(sql: "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
            // Examples per label and split without reading the pixel rows (the metrics ask every few seconds).
            try db.execute(sql: "CREATE INDEX examples_label_split ON examples(label_idx, split)")
        }
        migrator.registerMigration("review") { db in
            // Predictions routed to review/ and what became of them (StateStore+Review.swift).
            try db.execute(sql: reviewSchema)
        }
        migrator.registerMigration("pending-lines") { db in
            // Lines not tied to an input (a promotion's model_promoted) committed with the change they announce (PendingLines).
            try db.execute(sql: pendingLinesSchema)
        }
        migrator.registerMigration("source-format") { db in
            // Each example's PNG format before normalization ("28x28 gray 8 0", SourceFormat.key; NULL for examples
            // stored before), so that a promotion records its examples' formats; and why a queued file is
            // unfamiliar (UnfamiliarReason; NULL before, when only the content checks existed).
            try db.execute(
                sql: """
                    ALTER TABLE examples ADD COLUMN source_format TEXT;
                    ALTER TABLE review ADD COLUMN unfamiliar_reason TEXT;
                    """)
        }
        return migrator
    }

    /// The tables behind `mcnd models pin|unpin|rollback` (nothing existing changes):
    ///
    /// - `model_pin`: at most one row, the version that serves until unpinned;
    ///   a run finishing while it is there is recorded but not promoted.
    /// - `serving_history`: every version that became the serving one, in order
    ///   (filled by triggers on `models.serving`, whoever sets it), which is
    ///   what `rollback` goes back along.
    /// - `model_changes`: each pin, unpin and rollback, until the process that
    ///   holds the root (the daemon, `--once`) has written its event line.
    static func modelLifecycle(_ db: Database) throws {
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

    /// Predictions routed to review/ and what became of them (StateStore+Review.swift).
    static let reviewSchema = """
        CREATE TABLE review (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            sha256 TEXT NOT NULL,
            path BLOB NOT NULL,
            file TEXT NOT NULL,
            folder TEXT NOT NULL,
            label TEXT NOT NULL,
            confidence REAL NOT NULL,
            model_version INTEGER NOT NULL,
            audit INTEGER NOT NULL,
            unfamiliar INTEGER NOT NULL,
            identity TEXT,
            status TEXT NOT NULL,
            queued TEXT NOT NULL,
            resolved TEXT,
            resolved_label TEXT,
            rescored_model_version INTEGER);
        CREATE INDEX review_sha256 ON review(sha256);
        CREATE INDEX review_status ON review(status);
        """

    /// Lines committed with the change they announce (StateStore+PendingLines.swift).
    static let pendingLinesSchema = """
        CREATE TABLE pending_lines (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            outbox TEXT NOT NULL,
            offset INTEGER NOT NULL,
            line BLOB NOT NULL,
            model_version INTEGER)
        """
}
