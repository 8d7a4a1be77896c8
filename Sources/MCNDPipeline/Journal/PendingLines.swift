import Logging
import MCNDFileSystem

/// Writes the lines a crash left committed but unwritten (`PendingLine`):
/// the model file a promotion names first (re-exported from the state when
/// it is missing), then the line at its offset — not again if it is there.
struct PendingLines {
    let root: Directory
    let store: StateStore
    let outbox: Outbox
    let logger: Logger

    /// Writes `lines` (just committed, or found at start), fsyncs their files and clears their rows.
    func finish(_ lines: [PendingLine]) throws(PipelineError) {
        guard !lines.isEmpty else { return }
        try outbox.whileAppending { () throws(PipelineError) in
            for pending in lines {
                if let version = pending.modelVersion { exportIfMissing(version) }
                try outbox.file(pending.outbox).ensureLine(pending.line.bytes, at: pending.offset)
            }
            for name in Set(lines.map(\.outbox)) { try outbox.file(name).sync() }
        }
        try store.clearPendingLines(lines.compactMap(\.id))
    }

    /// What the last process left: called when the root is opened, before anything else appends.
    func recover() throws(PipelineError) { try finish(try store.pendingLines()) }

    /// The promoted model's `.npz` (a copy for numpy; the state holds the model) when a crash came before it was written.
    private func exportIfMissing(_ version: Int) {
        let name = RootLayout.Name.model(version)
        guard !root.exists(name) else { return }
        do {
            try root.writeFileAtomically(try store.model(version: version).encoded(), to: name)
        } catch {
            logger.error("cannot export model \(version) to \(name.display): \(error)")
        }
    }
}
