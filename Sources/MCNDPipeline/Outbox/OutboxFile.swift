import Foundation
import MCNDFileSystem

/// One JSON-lines file in the outbox, opened `O_APPEND` beneath the root. Every
/// line goes out in a single `write`, so a reader following the file never
/// sees half a line; `sync()` makes what was written durable.
public final class OutboxFile: @unchecked Sendable {
    public let path: String
    private let root: Directory
    private let name: RawPath
    private var file: OpenFile
    /// Held by whoever appends, and by the journal from choosing a line's
    /// offset until the line is written, so the offset stays true.
    private let lock = NSRecursiveLock()

    /// `body` with the lock held: no other line lands in between.
    func whileAppending<T>(_ body: () throws(PipelineError) -> T) throws(PipelineError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    public init(root: Directory, name: RawPath) throws(PipelineError) {
        self.root = root
        self.name = name
        self.path = root.name + "/" + name.display
        file = try Self.open(root, name)
    }

    /// Opens (creating) the file; a new file's folder entry is made durable at once.
    private static func open(_ root: Directory, _ name: RawPath) throws(PipelineError) -> OpenFile {
        do {
            let existed = try root.status(name) != nil
            let file = try root.openFile(name, .append, create: 0o644)
            if !existed { try root.sync(name.parent) }
            return file
        } catch {
            throw PipelineError(error)
        }
    }

    /// Opens the path anew (after logrotate moved the old file away).
    public func reopen() throws(PipelineError) {
        lock.lock()
        defer { lock.unlock() }
        file = try Self.open(root, name)
    }

    private func run<T>(_ body: (OpenFile) throws(FileSystemError) -> T) throws(PipelineError) -> T {
        lock.lock()
        defer { lock.unlock() }
        do { return try body(file) } catch { throw PipelineError(error) }
    }

    /// The current size: where the next line will start.
    public func size() throws(PipelineError) -> Int {
        try run { (f) throws(FileSystemError) in Int(try f.status().size) }
    }

    /// Appends one complete line with one `write` call.
    public func append(_ line: String) throws(PipelineError) { try append(bytes: Array(line.utf8)) }

    /// Appends complete lines (a batch's, in order) with one `write` call.
    public func append(bytes: [UInt8]) throws(PipelineError) {
        let written = try run { (f) throws(FileSystemError) in try f.writeOnce(bytes) }
        if written != bytes.count {
            // A short write (disk full mid-line): cut the fragment so no torn line stays.
            let end = try size()
            try truncate(to: max(0, end - written))
            throw .io(path: path, operation: "write", errno: .noSpace)
        }
    }

    public func sync() throws(PipelineError) {
        try run { (f) throws(FileSystemError) in try f.sync() }
    }

    /// Cuts the file back to `length` bytes (journal recovery of a torn tail).
    public func truncate(to length: Int) throws(PipelineError) {
        try run { (f) throws(FileSystemError) in try f.truncate(to: length) }
    }

    /// The bytes in `range`, or fewer where the file ends.
    public func read(_ range: Range<Int>) throws(PipelineError) -> [UInt8] {
        try run { (f) throws(FileSystemError) in
            // Its own descriptor: the appending one is write-only.
            try root.openFile(name, .read).read(count: range.count, at: range.lowerBound)
        }
    }

    /// Leaves exactly one copy of `line` at `offset`: present → nothing; the file
    /// ends at `offset` (or earlier, rotated) → append; a torn copy → cut, append.
    func ensureLine(_ line: [UInt8], at offset: Int) throws(PipelineError) {
        let end = try size()
        if end >= offset + line.count, try read(offset..<offset + line.count) == line { return }
        if end > offset {
            let tail = try read(offset..<end)
            if tail.count < line.count && Array(line.prefix(tail.count)) == tail {
                try truncate(to: offset)
            } else if !tail.contains(UInt8(ascii: "\n")) {
                // A fragment that is not ours and not a complete line: never leave it torn.
                try truncate(to: offset)
            }
        }
        try append(String(decoding: line, as: UTF8.self))
    }
}
