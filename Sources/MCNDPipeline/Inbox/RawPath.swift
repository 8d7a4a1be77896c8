import Glibc

/// File-system operations on paths kept as raw bytes: names in the inbox need
/// not be valid UTF-8, and a lossy String would name a different file.
public struct RawPath: Sendable, Hashable {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    public static func + (lhs: RawPath, rhs: RawPath) -> RawPath {
        RawPath(lhs.bytes + [UInt8(ascii: "/")] + rhs.bytes)
    }

    /// The path as text; invalid UTF-8 shows as U+FFFD (see `isValidUTF8`).
    public var display: String { String(decoding: bytes, as: UTF8.self) }
    public var isValidUTF8: Bool { String(validating: bytes, as: UTF8.self) != nil }

    public var components: [[UInt8]] { bytes.split(separator: UInt8(ascii: "/")).map(Array.init) }
    public var lastComponent: [UInt8] { components.last ?? [] }
    public var parent: RawPath {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return RawPath(".") }
        return RawPath(Array(bytes[..<slash]))
    }

    public func withCString<T>(_ body: (UnsafePointer<CChar>) -> T) -> T {
        (bytes.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// `lstat`; nil when the path does not exist.
    public func status() -> stat? {
        var st = stat()
        return withCString { lstat($0, &st) } == 0 ? st : nil
    }

    public var exists: Bool { status() != nil }

    /// Creates the folder and its parents (0755), each durably: the parent of a
    /// folder it creates is fsynced, or a power cut could lose the folder with
    /// the files moved into it.
    public func makeDirectories() throws(PipelineError) {
        if let st = status(), (st.st_mode & S_IFMT) == S_IFDIR { return }
        let p = parent
        if p.bytes != bytes && !p.bytes.isEmpty && p.bytes != [UInt8(ascii: ".")] { try p.makeDirectories() }
        if withCString({ mkdir($0, 0o755) }) != 0 {
            if errno == EEXIST { return }
            throw .io(path: display, operation: "mkdir", errno: errno)
        }
        try p.syncDirectory()
    }

    /// Renames to `destination` (same file system).
    public func move(to destination: RawPath) throws(PipelineError) {
        let result = withCString { from in destination.withCString { to in rename(from, to) } }
        guard result == 0 else { throw .io(path: display, operation: "rename to \(destination.display)", errno: errno) }
    }

    public func remove() throws(PipelineError) {
        guard withCString({ unlink($0) }) == 0 || errno == ENOENT else { throw .io(path: display, operation: "unlink", errno: errno) }
    }

    /// fsync on a folder, making renames in it durable.
    public func syncDirectory() throws(PipelineError) {
        let fd = withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { throw .io(path: display, operation: "open", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io(path: display, operation: "fsync", errno: errno) }
    }

    /// The identity of what is at this path now (`lstat`), or nil.
    public func identity() -> FileIdentity? { status().map(FileIdentity.init) }

    /// Reads a regular file without following a symlink, refusing more than `limit` bytes.
    public func readRegularFile(limit: Int) throws(InputFailure) -> [UInt8] {
        try readRegularFileAndIdentity(limit: limit).bytes
    }

    /// The bytes and the identity of the file they were read from.
    public func readRegularFileAndIdentity(limit: Int) throws(InputFailure) -> (bytes: [UInt8], identity: FileIdentity) {
        let fd = withCString { open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
        guard fd >= 0 else {
            if errno == ELOOP { throw .notRegular("a symbolic link") }
            throw .unreadable(errno)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .unreadable(errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .notRegular("not a regular file") }
        guard Int(st.st_size) <= limit else { throw .tooLarge(Int(st.st_size)) }
        var out = [UInt8](repeating: 0, count: Int(st.st_size))
        var got = 0
        while got < out.count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, $0.count - got, off_t(got)) }
            if n < 0 { if errno == EINTR { continue }; throw .unreadable(errno) }
            if n == 0 { break }
            got += n
        }
        // A file that grew while read is read again on a later pass, complete.
        var after = stat()
        if fstat(fd, &after) == 0, after.st_size != st.st_size || after.st_mtim.tv_nsec != st.st_mtim.tv_nsec || after.st_mtim.tv_sec != st.st_mtim.tv_sec {
            throw .changing
        }
        return (got == out.count ? out : Array(out.prefix(got)), FileIdentity(st))
    }
}

/// Which file a path named when mcnd read it: device, inode, size and
/// modification time. Before an input is moved, its path must still name the
/// same file; a file renamed over it (or rewritten) is a new input.
public struct FileIdentity: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modified: Int64

    public init(_ st: stat) {
        device = UInt64(st.st_dev); inode = UInt64(st.st_ino); size = Int64(st.st_size)
        modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    }

    public var text: String { "\(device):\(inode):\(size):\(modified)" }
}

/// Why an input could not be read (before any decoding).
public enum InputFailure: Error, Equatable {
    case unreadable(Int32)
    case notRegular(String)
    case tooLarge(Int)
    /// It changed while being read: left for the next pass.
    case changing
}
