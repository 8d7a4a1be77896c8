import MCNDFileSystem
import MCNDImaging

/// Truncated PNGs that may still be being written. A writer without the
/// tmp+rename discipline (an SMB upload, `cp` over a slow mount) can pause
/// longer than `settle_seconds`; the file then decodes as `truncated`. Such a
/// file that changed within `incomplete_grace_seconds` stays in the inbox and
/// is counted as incomplete; unchanged for longer, it is rejected as truncated.
/// Files known to be closed after writing (the daemon's inotify events) are
/// decided at once. The state remembers them (table `incomplete`, by path and
/// inode), so each gets one `waiting_for_complete` event, not one per pass.
struct IncompleteFiles {
    let root: Directory
    let store: StateStore
    let outbox: Outbox
    /// `incomplete_grace_seconds`.
    let grace: Double
    /// Relative to inbox/: closed after writing or renamed in, so complete as they are.
    let closed: Set<RawPath>
    private var waiting: [(file: IncompleteFile, entry: InboxEntry, detail: String)] = []

    init(root: Directory, store: StateStore, outbox: Outbox, grace: Double, closed: Set<RawPath>) {
        self.root = root
        self.store = store
        self.outbox = outbox
        self.grace = grace
        self.closed = closed
    }

    /// True when `rejection` should wait instead: the file is truncated, not
    /// known to be closed, and changed within the grace. Counts it as waiting.
    mutating func holds(_ entry: InboxEntry, _ rejection: ImageRejection) -> Bool {
        guard case .truncated(let detail) = rejection, grace > 0, !closed.contains(entry.relative),
            let st = (try? root.status(RootLayout.Folder.inbox.name + entry.relative)) ?? nil
        else { return false }
        // File times are wall-clock times, so this compares with the wall clock.
        guard Timestamp.seconds() - st.lastChange < grace else { return false }
        let file = IncompleteFile(source: (RootLayout.Folder.inbox.name + entry.relative).bytes, device: st.device, inode: st.inode)
        waiting.append((file, entry, detail))
        return true
    }

    /// After a batch: a `waiting_for_complete` event for each file seen
    /// incomplete for the first time, and forgets files that are gone or were
    /// replaced (handled, moved away, deleted). The event comes first, so a
    /// crash in between repeats it rather than losing it.
    func record() throws(PipelineError) {
        let known = try store.incompleteFiles()
        guard !known.isEmpty || !waiting.isEmpty else { return }
        let adding = waiting.filter { !known.contains($0.file) }
        let stillWaiting = Set(waiting.map(\.file.source))
        let removing = known.filter { file in
            guard !stillWaiting.contains(file.source) else { return false }
            guard let st = (try? root.status(RawPath(file.source))) ?? nil else { return true }
            return st.device != file.device || st.inode != file.inode
        }.map(\.source)
        guard !adding.isEmpty || !removing.isEmpty else { return }
        for item in adding {
            outbox.emit(.waitingForComplete) { line in
                line.addFile(item.entry.relative)
                line.add("detail", item.detail)
                line.add("grace_seconds", grace)
            }
        }
        try store.updateIncomplete(adding: adding.map(\.file), removing: removing)
    }
}
