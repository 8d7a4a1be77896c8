import Foundation
import GRDB
import MCNDModel

/// The models table as `mcnd models` sees it, and the changes it makes:
/// each in one transaction, recorded in `model_changes` for the event line.
extension StateStore {
    public func modelRecords() throws(PipelineError) -> [ModelRecord] {
        try read { db in
            let pinned = try ModelPin.pinnedVersion(db)
            let decoder = JSONDecoder()
            return try Row.fetchAll(
                db, sql: "SELECT version, run_id, created, promoted, labels, metrics, serving FROM models ORDER BY version"
            ).map { row in
                let metrics = (try? decoder.decode([String: Double].self, from: Data((row["metrics"] as String).utf8))) ?? [:]
                return ModelRecord(
                    version: row["version"], run: row["run_id"], created: row["created"], promoted: row["promoted"],
                    valAccuracy: metrics["val_accuracy"],
                    labels: (try? decoder.decode([String].self, from: Data((row["labels"] as String).utf8))) ?? [],
                    serving: (row["serving"] as Int) == 1, pinned: pinned == row["version"])
            }
        }
    }

    /// Model `version` as it was stored, or the serving one.
    public func model(version: Int?) throws(ModelLifecycleError) -> ModelFile {
        let bytes: Data?
        do {
            bytes = try read { db in
                if let version { return try Data.fetchOne(db, sql: "SELECT file FROM models WHERE version = ?", arguments: [version]) }
                return try ServingRow.file(db)
            }
        } catch { throw .state(error) }
        guard let bytes else { throw version.map { .noSuchModel($0) } ?? .noServingModel }
        do { return try ModelFile(decoding: [UInt8](bytes)) } catch {
            throw .state(.corruptState(path: path, reason: "model \(version.map(String.init) ?? "serving") cannot be read: \(error)"))
        }
    }

    public func servingVersion() throws(PipelineError) -> Int? {
        try read { db in try ServingRow.version(db) }
    }

    public func pin() throws(PipelineError) -> ModelPin? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT version, pinned FROM model_pin WHERE id = 1").map {
                ModelPin(version: $0["version"], since: $0["pinned"])
            }
        }
    }

    /// Serves `version` and pins it.
    public func pin(version: Int) throws(ModelLifecycleError) -> ModelChange {
        try change { db throws(ModelLifecycleError) in
            guard try Self.exists(db, version) else { throw .noSuchModel(version) }
            return try Self.serve(db, version, event: .pinned)
        }
    }

    /// Lets the next promotion replace the pinned model (which keeps serving until then); nil when nothing was pinned.
    public func unpin() throws(ModelLifecycleError) -> ModelChange? {
        try change { db throws(ModelLifecycleError) in
            guard let pinned = try Self.run(db, { try ModelPin.pinnedVersion($0) }) else { return nil }
            try Self.run(db) { try $0.execute(sql: "DELETE FROM model_pin") }
            return try Self.record(db, .unpinned, version: pinned, previous: pinned)
        }
    }

    /// Serves the version that served before the serving one, and pins it.
    public func rollback() throws(ModelLifecycleError) -> ModelChange {
        try change { db throws(ModelLifecycleError) in
            guard let serving = try Self.run(db, ServingRow.version) else {
                throw .noServingModel
            }
            guard
                let before = try Self.run(
                    db,
                    {
                        try Int.fetchOne(
                            $0,
                            sql:
                                "SELECT version FROM serving_history WHERE version != ? AND version IN (SELECT version FROM models) ORDER BY id DESC LIMIT 1",
                            arguments: [serving])
                    })
            else { throw .nothingToRollBackTo(serving: serving) }
            return try Self.serve(db, before, event: .rolledBack)
        }
    }

    /// Changes not yet written as event lines, oldest first.
    public func pendingModelChanges() throws(PipelineError) -> [ModelChange] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM model_changes WHERE emitted = 0 ORDER BY id").compactMap { row in
                ModelEvent(rawValue: row["event"]).map {
                    ModelChange(id: row["id"], event: $0, version: row["version"], previous: row["previous"], time: row["time"])
                }
            }
        }
    }

    public func markEmitted(_ changes: [ModelChange]) throws(PipelineError) {
        guard !changes.isEmpty else { return }
        try write { db in
            try db.execute(
                sql: "UPDATE model_changes SET emitted = 1 WHERE id IN (\(changes.map { _ in "?" }.joined(separator: ",")))",
                arguments: StatementArguments(changes.map(\.id)))
        }
    }

    // MARK: In the transaction

    private func change<T>(_ body: (Database) throws(ModelLifecycleError) -> T) throws(ModelLifecycleError) -> T {
        let result: Result<T, ModelLifecycleError>
        do {
            result = try write { db in
                do throws(ModelLifecycleError) { return .success(try body(db)) } catch { return .failure(error) }
            }
        } catch { throw .state(error) }
        return try result.get()
    }

    /// Runs a GRDB call, its errors as the state's.
    private static func run<T>(_ db: Database, _ body: (Database) throws -> T) throws(ModelLifecycleError) -> T {
        do { return try body(db) } catch { throw .state(wrap(error, "the state database")) }
    }

    private static func exists(_ db: Database, _ version: Int) throws(ModelLifecycleError) -> Bool {
        try Self.run(db) { try Int.fetchOne($0, sql: "SELECT 1 FROM models WHERE version = ?", arguments: [version]) != nil }
    }

    private static func serve(_ db: Database, _ version: Int, event: ModelEvent) throws(ModelLifecycleError) -> ModelChange {
        let previous = try Self.run(db, ServingRow.version)
        try Self.run(db) { db in
            if previous != version {
                try ServingRow.clear(db)
                try ServingRow.mark(db, version: version)
            }
            try db.execute(
                sql: """
                    INSERT INTO model_pin (id, version, pinned) VALUES (1, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET version = excluded.version, pinned = excluded.pinned
                    """, arguments: [version, Timestamp.now()])
        }
        return try record(db, event, version: version, previous: previous)
    }

    private static func record(
        _ db: Database, _ event: ModelEvent, version: Int?, previous: Int?
    ) throws(ModelLifecycleError) -> ModelChange {
        let time = Timestamp.now()
        let id = try Self.run(db) { db in
            try db.execute(
                sql: "INSERT INTO model_changes (event, version, previous, time) VALUES (?, ?, ?, ?)",
                arguments: [event.rawValue, version, previous, time])
            return db.lastInsertedRowID
        }
        return ModelChange(id: id, event: event, version: version, previous: previous, time: time)
    }
}
