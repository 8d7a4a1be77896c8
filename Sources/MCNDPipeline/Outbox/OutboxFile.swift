import Foundation
import Glibc

/// One JSON-lines file in the outbox, opened `O_APPEND`. Every line goes out in
/// a single `write`, so a reader following the file never sees half a line;
/// `sync()` makes what was written durable.
public final class OutboxFile: @unchecked Sendable {
    public let path: String
    private var fd: Int32 = -1
    /// Held by whoever appends, and by the journal from choosing a line's
    /// offset until the line is written, so the offset stays true.
    private let lock = NSRecursiveLock()

    func lockForAppending() { lock.lock() }
    func unlockForAppending() { lock.unlock() }

    public init(path: String) throws(PipelineError) {
        self.path = path
        try reopen()
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Opens the path anew (after logrotate moved the old file away).
    public func reopen() throws(PipelineError) {
        lock.lock(); defer { lock.unlock() }
        let new = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard new >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        if fd >= 0 { close(fd) }
        fd = new
        // The file may have just been created: its name is durable once the folder is fsynced.
        try RawPath(path).parent.syncDirectory()
    }

    /// The current size: where the next line will start.
    public func size() throws(PipelineError) -> Int {
        lock.lock(); defer { lock.unlock() }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(path: path, operation: "stat", errno: errno) }
        return Int(st.st_size)
    }

    /// Appends one complete line with one `write` call.
    public func append(_ line: String) throws(PipelineError) {
        lock.lock(); defer { lock.unlock() }
        var line = line
        let result: Int = line.withUTF8 { buffer in
            while true {
                let n = write(fd, buffer.baseAddress, buffer.count)
                if n < 0 && errno == EINTR { continue }
                return n
            }
        }
        if result < 0 { throw .io(path: path, operation: "write", errno: errno) }
        if result != line.utf8.count {
            // A short write (disk full mid-line): cut the fragment so no torn line stays.
            let end = (try? size()) ?? 0
            _ = ftruncate(fd, off_t(max(0, end - result)))
            throw .io(path: path, operation: "write", errno: ENOSPC)
        }
    }

    public func sync() throws(PipelineError) {
        lock.lock(); defer { lock.unlock() }
        guard fsync(fd) == 0 else { throw .io(path: path, operation: "fsync", errno: errno) }
    }

    /// Cuts the file back to `length` bytes (journal recovery of a torn tail).
    public func truncate(to length: Int) throws(PipelineError) {
        lock.lock(); defer { lock.unlock() }
        guard ftruncate(fd, off_t(length)) == 0 else { throw .io(path: path, operation: "truncate", errno: errno) }
    }

    /// The bytes in `range`, or fewer where the file ends.
    public func read(_ range: Range<Int>) throws(PipelineError) -> [UInt8] {
        let reader = open(path, O_RDONLY | O_CLOEXEC)
        guard reader >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        defer { close(reader) }
        var out = [UInt8](repeating: 0, count: range.count)
        let n = out.withUnsafeMutableBytes { pread(reader, $0.baseAddress, range.count, off_t(range.lowerBound)) }
        guard n >= 0 else { throw .io(path: path, operation: "read", errno: errno) }
        return Array(out.prefix(n))
    }
}
