/// A file-system call that failed: which call, on which name, and why.
public struct FileSystemError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Operation: String, Sendable {
        case open, create, read, write, stat, rename, unlink, mkdir, fsync, truncate, list, lock
        case resolve = "resolve"
    }

    public var operation: Operation
    /// The name as given (relative to the directory it was resolved in), for messages.
    public var path: String
    public var errno: Errno
    /// For a rename: the destination.
    public var destination: String?

    public init(_ operation: Operation, _ path: String, _ errno: Errno, destination: String? = nil) {
        self.operation = operation
        self.path = path
        self.errno = errno
        self.destination = destination
    }

    public var description: String {
        let what = destination.map { "\(operation.rawValue) \(path) to \($0)" } ?? "\(operation.rawValue) \(path)"
        return "\(what): \(errno)"
    }
}
