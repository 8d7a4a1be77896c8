import Foundation
import GRDB
import MCNDFileSystem
import MCNDModel
import Synchronization

/// mcnd's durable state in state/mcnd.sqlite (WAL, synchronous=FULL): labels,
/// examples, runs and epochs, models, and the input journal.
public final class StateStore: Sendable {
    /// A DatabasePool, or a read-only DatabaseQueue (`init(readingOnly:)`).
    let pool: any DatabaseWriter
    let path: String
    /// The check the open ran (nil: none, a read-only or caller's database).
    public let openCheck: StateCheck?
    /// Whether this process holds the root (its lock): only the holder clears
    /// and records the clean stop (StateStore+CleanStop.swift).
    let holdsRoot: Bool
    /// Set when a statement failed for another reason than a busy lock; a clean stop is then not recorded.
    let failed = Mutex(false)

    /// `busyTimeout`: how long a statement waits for another process's write
    /// lock before it fails with `.stateBusy`. `holdingRoot`: the caller holds
    /// the root's lock (the pipeline, `mcnd rebuild`).
    public init(layout: RootLayout, root: Directory, busyTimeout: Double, holdingRoot: Bool = false) throws(PipelineError) {
        path = layout.database
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        holdsRoot = holdingRoot
        var reason: StateCheck.Reason?
        do {
            // SQLite opens the database by its path; state/ must be a real folder of the root.
            guard try root.status(RootLayout.Folder.state.name)?.kind == .directory else {
                throw PipelineError.badLayout("\(layout.state) is not a folder (a symlink is not followed)")
            }
            if let st = try root.status(RootLayout.Name.database) {
                // A new database is only ever renamed into place with its schema
                // written (below), so an empty file is damage (e.g. truncated),
                // never a fresh root: refuse rather than start over empty.
                if st.size == 0 { throw PipelineError.corruptState(path: path, reason: "the file is empty (0 bytes)") }
                reason = try StateCheck.fileReason(root)
            } else {
                try Self.create(path, configuration, root)
                reason = .created
            }
            let pool = try Self.openPool(path, configuration)
            self.pool = pool
            let database = layout.database, fileReason = reason
            openCheck = try pool.read { db in
                try StateCheck.run(db, full: fileReason ?? (Self.cleanStop(db) ? nil : .noCleanStop), path: database)
            }
            try pool.read { db in try StateSchema.refuseNewer(db, path: path) }
            try StateSchema.migrator.migrate(pool)
            if holdingRoot { try Self.clearCleanStop(pool) }
        } catch {
            // Only damage is "cannot be used"; disk full, I/O and permission
            // errors name the path and are retried (the daemon) or reported.
            throw Self.wrap(error, path)
        }
    }

    /// WAL pages before a commit checkpoints them into the database (SQLite's
    /// default is 1,000). A batch rewrites the same index and journal pages;
    /// checkpointing every few batches copied each of them again and again.
    /// The WAL reaches about 40 MB at most.
    static let checkpointPages = 10_000

    /// The writer's page cache (SQLite's default is 2 MB): the batches' reads
    /// run on it (`readOnWriter`), and 16 MB holds the sha256 index, which every
    /// batch looks up and inserts into at random, of about 190,000 examples
    /// (5.0 MB for 60,000).
    static let writerCacheKiB = 16_384

    /// A pool whose writer syncs the WAL at every commit. GRDB's DatabasePool
    /// sets `synchronous = NORMAL` on its (only) writer when it enables WAL,
    /// after `prepareDatabase` ran, and NORMAL does not sync the WAL on commit:
    /// the journal would not be durable before the outbox lines and moves that
    /// rely on it. So FULL is set again after GRDB's setup, and checked.
    private static func openPool(_ path: String, _ configuration: Configuration) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration)
        let level = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Settings of the one connection that writes (and checkpoints).
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
            try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheKiB)")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard level == 2 else { throw PipelineError.stateNotDurable(path: path, synchronous: level) }
        return pool
    }

    /// Creates the database under a temporary name, writes the schema, and
    /// renames it into place, so `path` never names an empty file.
    private static func create(_ path: String, _ configuration: Configuration, _ root: Directory) throws {
        let name = RootLayout.Name.database
        let temporary = name.parent + RawPath(name.lastComponent + Array(".new".utf8))
        func named(_ base: RawPath, _ suffix: String) -> RawPath { RawPath(base.bytes + Array(suffix.utf8)) }
        for suffix in ["", "-wal", "-shm"] { try root.remove(named(temporary, suffix)) }
        let pool = try openPool(path + ".new", configuration)
        try StateSchema.migrator.migrate(pool)
        try pool.close()
        try root.rename(temporary, to: name, replacing: true)
        for suffix in ["-wal", "-shm"] { try root.remove(named(temporary, suffix)) }
        try root.sync(name.parent)
    }

    /// An open connection (see StateStore+ReadOnly.swift).
    init(opened: any DatabaseWriter, path: String) {
        pool = opened
        self.path = path
        openCheck = nil
        holdsRoot = false
    }

    /// A store over a database opened by the caller (in memory, a temporary
    /// file), its schema migrated. Without the durability checks of the root's
    /// store: for tests and tools, never for a root's outcomes.
    public convenience init(writer: any DatabaseWriter, path: String = ":memory:") throws(PipelineError) {
        self.init(opened: writer, path: path)
        do { try StateSchema.migrator.migrate(writer) } catch { throw Self.wrap(error, path) }
    }

    func write<T>(_ body: (Database) throws -> T) throws(PipelineError) -> T {
        do { return try pool.write(body) } catch { throw failure(error) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(PipelineError) -> T {
        do { return try pool.read(body) } catch { throw failure(error) }
    }

    /// A read on the writer's connection, for what a batch asks just before
    /// it commits. In WAL mode a reader connection drops its whole page cache
    /// whenever another connection has committed, so asking a reader after
    /// every batch read the sha256 index again from the WAL (60,000 files:
    /// 100,000 page reads, 420 MB); the writer's cache holds what it wrote.
    func readOnWriter<T>(_ body: (Database) throws -> T) throws(PipelineError) -> T {
        do { return try pool.writeWithoutTransaction(body) } catch { throw failure(error) }
    }

    /// `error` as the pipeline reports it, noted when SQLite or the file
    /// system failed (not for a busy lock, nor an error of mcnd's own).
    private func failure(_ error: any Error) -> PipelineError {
        let wrapped = Self.wrap(error, path)
        if error is DatabaseError || error is FileSystemError, !wrapped.isStateBusy { failed.withLock { $0 = true } }
        return wrapped
    }

    static func wrap(_ error: any Error, _ path: String) -> PipelineError {
        if let e = error as? PipelineError { return e }
        if let e = error as? FileSystemError { return PipelineError(e) }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_FULL: return .io(path: path, operation: "write", errno: .noSpace)
            // On a full file system SQLite may report a failed write (e.g. of the
            // -shm or -wal file) as an I/O error rather than SQLITE_FULL.
            case .SQLITE_IOERR: return .io(path: path, operation: "write", errno: fileSystemIsFull(path) ? .noSpace : .ioError)
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corruptState(path: path, reason: e.message ?? "\(e)")
            // Another process holds the write lock (BEGIN IMMEDIATE, a backup tool): not damage.
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .stateBusy(path: path)
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: return .io(path: path, operation: "open", errno: .permissionDenied)
            default: break
            }
        }
        return .corruptState(path: path, reason: "\(error)")
    }

    /// Whether the file system holding `path` has (almost) no space left.
    static func fileSystemIsFull(_ path: String) -> Bool {
        var fs = statvfs()
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        guard statvfs(folder.isEmpty ? "/" : folder, &fs) == 0 else { return false }
        return UInt64(fs.f_bavail) * UInt64(fs.f_frsize) < 1 << 20
    }

    // MARK: Labels and examples

    /// Label names by index.
    public func labels() throws(PipelineError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM labels ORDER BY idx") }
    }

    /// The labels examples with these contents already have, in one read (an ingest batch's):
    /// only the contents known are in the answer.
    public func existingLabels(sha256: some Sequence<String>) throws(PipelineError) -> [String: String] {
        try readOnWriter { db in
            var found: [String: String] = [:]
            for part in Self.parts(Array(Set(sha256))) {
                let sql: SQL = """
                    SELECT e.sha256, l.name FROM examples e JOIN labels l ON l.idx = e.label_idx
                    WHERE e.sha256 IN \(part)
                    """
                for row in try Row.fetchAll(db, SQLRequest<Row>(literal: sql)) { found[row[0]] = row[1] }
            }
            return found
        }
    }

    /// A batch's values in parts small enough for one statement's parameters (SQLite allows 32,766).
    static func parts<T>(_ values: [T]) -> [[T]] {
        stride(from: 0, to: values.count, by: 500).map { Array(values[$0..<min($0 + 500, values.count)]) }
    }

    // MARK: Meta

    public func meta(_ key: String) throws(PipelineError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    public func setMeta(_ key: String, _ value: String?) throws(PipelineError) {
        try write { db in
            if let value {
                try db.execute(
                    sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    arguments: [key, value])
            } else {
                try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key])
            }
        }
    }
}
