import Glibc

/// An open file descriptor, closed when released. Reads and writes complete
/// short transfers and retry `EINTR`; errors carry the name it was opened as.
public final class OpenFile: @unchecked Sendable {
    /// The descriptor; immutable, so sharing the object between threads is
    /// safe as long as callers serialize writes (OutboxFile does).
    public let descriptor: Int32
    public let name: String

    init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    deinit { close(descriptor) }

    public func status() throws(FileSystemError) -> FileStatus {
        var st = stat()
        _ = try SystemCall.run(.stat, name) { fstat(descriptor, &st) }
        return FileStatus(st)
    }

    /// Up to `count` bytes from `offset` (fewer where the file ends).
    public func read(count: Int, at offset: Int) throws(FileSystemError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = try SystemCall.run(.read, name) {
                out.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + got, count - got, off_t(offset + got)) }
            }
            if n == 0 { break }
            got += n
        }
        return got == count ? out : Array(out.prefix(got))
    }

    /// Everything from the current position to the end.
    public func readToEnd(sizeHint: Int = 0) throws(FileSystemError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(sizeHint)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try SystemCall.run(.read, name) {
                chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// Writes all of `bytes`, completing short writes.
    public func writeAll(_ bytes: [UInt8]) throws(FileSystemError) {
        var done = 0
        while done < bytes.count {
            done += try SystemCall.run(.write, name) {
                bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + done, $0.count - done) }
            }
        }
    }

    /// One `write` of all of `bytes` (retried on `EINTR` only): the count written, which may be short.
    public func writeOnce(_ bytes: [UInt8]) throws(FileSystemError) -> Int {
        try SystemCall.run(.write, name) { bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } }
    }

    /// Writes all of `bytes` at `offset`.
    public func writeAll(_ bytes: [UInt8], at offset: Int) throws(FileSystemError) {
        var done = 0
        while done < bytes.count {
            done += try SystemCall.run(.write, name) {
                bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + done, $0.count - done, off_t(offset + done)) }
            }
        }
    }

    public func sync() throws(FileSystemError) {
        _ = try SystemCall.run(.fsync, name) { fsync(descriptor) }
    }

    public func truncate(to length: Int) throws(FileSystemError) {
        _ = try SystemCall.run(.truncate, name) { ftruncate(descriptor, off_t(length)) }
    }

    /// An exclusive `flock` without waiting; false when another process holds it.
    public func tryLockExclusive() throws(FileSystemError) -> Bool {
        do throws(FileSystemError) {
            _ = try SystemCall.run(.lock, name) { flock(descriptor, LOCK_EX | LOCK_NB) }
            return true
        } catch  where error.errno == .wouldBlock {
            return false
        }
    }
}
