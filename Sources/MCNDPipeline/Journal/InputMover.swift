import MCNDFileSystem

/// Step 3 of a journaled batch (see `Journal`): the inputs moved (or
/// deleted) and their folders fsynced; the journal clears the rows of those
/// done (step 4). It keeps no state, so a batch's moves can run on another
/// thread while the next batch is committed; what could not be moved comes
/// back to the journal.
struct InputMover: Sendable {
    let root: Directory

    struct Moved: Sendable {
        /// Moved, deleted, or no longer ours to move: their rows are cleared.
        var done: [JournalRecord] = []
        /// Kept in place by the folder's permissions (their rows stay, marked waiting by the journal).
        var blocked: [(entry: JournalRecord, why: BlockedMove)] = []
    }

    func move(_ journal: [JournalRecord]) throws(PipelineError) -> Moved {
        // The batch's few folders are resolved once, not once per file.
        let open = OpenFolders(root: root)
        var folders: Set<RawPath> = []
        var made: Set<RawPath> = []
        var moved = Moved()
        for entry in journal {
            let source = entry.source
            // Another file renamed over the input, or the input rewritten, after it
            // was read is a new input: leave it for the next scan. A touch is not.
            // Gone, or a folder on its way swapped for a symlink: nothing of ours to move.
            guard case .same(let now) = InputMatch.check(source, in: open, decided: entry.identity, sha256: entry.sha256) else {
                moved.done.append(entry)
                continue
            }
            do throws(FileSystemError) {
                if let target = entry.destination {
                    if !made.contains(target.parent) {
                        // A folder made here is made durable (its parent fsynced, top down) before
                        // anything moves into it: the destination's fsync makes a rename durable,
                        // and a power cut must not keep the rename and lose the folder it went to.
                        for folder in try root.makeDirectories(target.parent) { try open.sync(folder.parent) }
                        made.insert(target.parent)
                    }
                    try moveKeepingBoth(
                        source, to: target, in: open,
                        suffix: DestinationNamer.isUnannounced(target, outcome: entry.outcome) ? "-" : "-r")
                    folders.insert(target.parent)
                } else {
                    try open.remove(source)
                }
                folders.insert(source.parent)
                moved.done.append(entry)
            } catch {
                guard
                    let why = BlockedMove(
                        errno: error.errno, root: root, source: source,
                        destination: entry.destination)
                else { throw PipelineError(error) }
                var row = entry
                row.identity = now
                moved.blocked.append((row, why))
            }
        }
        do {
            for folder in folders.sorted(by: { $0.bytes.count > $1.bytes.count }) where folder.isEmpty || open.exists(folder) {
                try open.sync(folder)
            }
        } catch {
            throw PipelineError(error)
        }
        return moved
    }

    /// Renames without replacing: a file at the destination stays, and the
    /// input goes beside it — `name-1.png`, … where the planner left that to the
    /// move (`DestinationNamer.unannounced`), else `name-r1.png`, … (someone
    /// put a file there after the name was chosen).
    private func moveKeepingBoth(_ source: RawPath, to target: RawPath, in open: OpenFolders, suffix: String) throws(FileSystemError) {
        var candidate = target
        for n in 1...1000 {
            do {
                return try open.rename(source, to: candidate)
            } catch  where error.errno == .fileExists {
                candidate = DestinationNamer.suffixed(target, "\(suffix)\(n)")
            }
        }
        try open.rename(source, to: candidate)
    }
}
