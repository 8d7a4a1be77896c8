import MCNDPipeline
import Synchronization

/// Changes reported by the watcher thread and not yet handled. The watcher
/// wakes the loop only when the set goes from empty to non-empty, so
/// everything that arrives while a pass runs is handled by the next pass as
/// one batch (a burst of renames becomes a few large batches, not thousands
/// of small ones).
final class PendingChanges: Sendable {
    private struct State {
        var complete: Set<RawPath> = []
        var rescan = false
        var folderChanged = false
        var isEmpty: Bool { complete.isEmpty && !rescan && !folderChanged }
    }
    private let state = Mutex(State())

    /// Adds changes; true when the loop must be woken.
    func add(_ changes: [InboxWatcher.Change]) -> Bool {
        state.withLock { s in
            let wasEmpty = s.isEmpty
            for change in changes {
                switch change {
                case .complete(let path): s.complete.insert(path)
                case .rescan: s.rescan = true
                case .folderChanged: s.folderChanged = true
                }
            }
            return wasEmpty && !s.isEmpty
        }
    }

    /// Everything pending, leaving the set empty.
    func take() -> (complete: Set<RawPath>, rescan: Bool, folderChanged: Bool) {
        state.withLock { s in
            defer { s = State() }
            return (s.complete, s.rescan, s.folderChanged)
        }
    }
}
