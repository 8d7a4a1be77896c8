import GRDB
import MCNDFileSystem

extension StateStore {
    /// Opens the state for reading only (`mcnd status`, `mcnd predict`): no
    /// write transaction, no migration, no root lock. In WAL mode a reader is
    /// not blocked by a writer, so this works while the daemon, or an
    /// operator's `sqlite3` with `BEGIN IMMEDIATE`, holds the write lock.
    public convenience init(readingOnly layout: RootLayout, root: Directory, busyTimeout: Double) throws(PipelineError) {
        let path = layout.database
        let found: FileStatus?
        do { found = try root.status(RootLayout.Name.database) } catch { throw PipelineError(error) }
        guard let st = found, st.kind == .regular else { throw .io(path: path, operation: "open", errno: .noSuchFile) }
        // As in init(layout:): an empty file is damage, never a fresh root.
        if st.size == 0 { throw .corruptState(path: path, reason: "the file is empty (0 bytes)") }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        do {
            self.init(opened: try DatabaseQueue(path: path, configuration: configuration), path: path)
        } catch {
            throw Self.wrap(error, path)
        }
    }

    /// Waits for the write lock and lets it go: whether a write could start now
    /// (`.stateBusy` when another process still holds it). Writes nothing.
    public func checkWriteLock() throws(PipelineError) {
        try write { _ in }
    }
}
