import MCNDFileSystem

/// What can stop the pipeline, in terms an operator can act on.
public enum PipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another mcnd process holds the root's lock.
    case rootBusy(root: String, pid: Int32?)
    /// A system call on `path` failed (disk full, permissions, …): free space
    /// or fix the permissions; the daemon retries, `--once` can be run again.
    case io(path: String, operation: String, errno: Errno)
    /// The configuration has a bad value: fix the named key (file, `MCND_*`, `--set`).
    case badConfiguration(String)
    /// Training run `run` failed (recorded as `failed`); the examples are kept
    /// and the next pass that is due trains again.
    case trainingFailed(run: Int64, reason: String)
    /// The state's journal holds an outcome this mcnd does not know (a newer
    /// mcnd wrote it): finish it with that version, never guess what it meant.
    case unknownJournalOutcome(path: String, outcome: String)
    /// The state database cannot be used; `mcnd rebuild` recreates it from archive/labeled/.
    case corruptState(path: String, reason: String)
    /// Another process holds a write lock on the state database (an operator's
    /// `sqlite3` session, a backup tool): wait for it to finish, then try again.
    /// Not damage: rebuilding would throw away a healthy database.
    case stateBusy(path: String)
    /// The root's layout is wrong (e.g. the outbox inside the inbox).
    case badLayout(String)
    /// A model is needed and there is none.
    case noModel
    /// SQLite would not sync the state's WAL at each commit (`PRAGMA synchronous`
    /// is not 2, FULL), so a power cut could lose outcomes already acted on.
    case stateNotDurable(path: String, synchronous: Int?)

    /// A failed file-system call, as the operator sees it.
    public init(_ error: FileSystemError) {
        if error.errno == .notDirectory || error.errno == .tooManySymbolicLinks, error.operation == .mkdir || error.operation == .rename {
            self = .badLayout(
                "\(error.path)\(error.destination.map { " or \($0)" } ?? "") has a symlink or a file where mcnd needs a folder; "
                    + "mcnd never follows symlinks: move it aside and mcnd makes the folder again")
            return
        }
        let operation = error.destination.map { "\(error.operation.rawValue) to \($0)" } ?? error.operation.rawValue
        self = .io(path: error.path, operation: operation, errno: error.errno)
    }

    public var description: String {
        switch self {
        case .rootBusy(let root, let pid):
            return "another mcnd (pid \(pid.map(String.init) ?? "unknown")) holds \(root)"
        case .io(let path, let operation, let code):
            return "\(operation) \(path): \(code)"
        case .badConfiguration(let why):
            return "bad configuration: \(why)"
        case .trainingFailed(let run, let reason):
            return "training run \(run) failed: \(reason); the examples are kept and the next due pass trains again "
                + "(check the train.* settings if it keeps failing)"
        case .unknownJournalOutcome(let path, let outcome):
            return "the journal in \(path) holds an outcome this mcnd does not know (\(outcome)); a newer mcnd wrote it: "
                + "run that version on this root to finish it (nothing was moved or written for it)"
        case .corruptState(let path, let reason):
            return
                "the state database \(path) cannot be used (\(reason)); `mcnd rebuild` moves it aside and recreates the dataset from archive/labeled/"
        case .stateBusy(let path):
            return "the state database is busy (another process holds a write lock on \(path)); "
                + "try again once it has finished — the database is not damaged"
        case .badLayout(let why):
            return "bad root layout: \(why)"
        case .noModel:
            return "there is no trained model yet: add labeled examples (inbox/<label>/*.png) and train"
        case .stateNotDurable(let path, let level):
            return "the state database \(path) would not be durable: PRAGMA synchronous reads \(level.map(String.init) ?? "nothing") "
                + "on its writer, not 2 (FULL); mcnd refuses to run rather than lose outcomes in a power cut. "
                + "Check the SQLite library mcnd is linked with (a build that caps synchronous below FULL)"
        }
    }
}

extension PipelineError {
    /// Another process holds the state's write lock: wait and retry, never rebuild.
    public var isStateBusy: Bool {
        if case .stateBusy = self { return true }
        return false
    }
}
