import Glibc

/// What can stop the pipeline, in terms an operator can act on.
public enum PipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another mcnd process holds the root's lock.
    case rootBusy(root: String, pid: Int32?)
    /// A system call on `path` failed (disk full, permissions, …).
    case io(path: String, operation: String, errno: Int32)
    /// The configuration has a bad value.
    case badConfiguration(String)
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

    public var description: String {
        switch self {
        case .rootBusy(let root, let pid):
            return "another mcnd (pid \(pid.map(String.init) ?? "unknown")) holds \(root)"
        case .io(let path, let operation, let code):
            return "\(operation) \(path): \(String(cString: strerror(code)))"
        case .badConfiguration(let why):
            return "bad configuration: \(why)"
        case .corruptState(let path, let reason):
            return "the state database \(path) cannot be used (\(reason)); `mcnd rebuild` moves it aside and recreates the dataset from archive/labeled/"
        case .stateBusy(let path):
            return "the state database is busy (another process holds a write lock on \(path)); "
                + "try again once it has finished — the database is not damaged"
        case .badLayout(let why):
            return "bad root layout: \(why)"
        case .noModel:
            return "there is no trained model yet: add labeled examples (inbox/<label>/*.png) and train"
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
