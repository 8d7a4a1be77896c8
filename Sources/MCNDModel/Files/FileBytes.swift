import Glibc

/// Whole-file reads and atomic whole-file writes with plain POSIX calls.
public enum FileBytes {
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let operation: String
        public let code: Int32
        public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    public static func read(path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, operation: "open", code: errno) }
        defer { close(fd) }
        var out: [UInt8] = []
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0 { out.reserveCapacity(Int(st.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, operation: "read", code: errno)
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// Writes `bytes` to a temporary file beside `path`, fsyncs it and renames
    /// it over `path`, so readers see the old file or the new one, never a part;
    /// then fsyncs the folder, so the rename survives a power cut.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(path: temporary, operation: "create", code: errno) }
        var written = 0
        let failure: Failure? = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return Failure(path: temporary, operation: "write", code: errno)
                }
                written += n
            }
            return fsync(fd) == 0 ? nil : Failure(path: temporary, operation: "fsync", code: errno)
        }
        close(fd)
        if let failure { unlink(temporary); throw failure }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure(path: path, operation: "rename", code: code)
        }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { throw Failure(path: folder, operation: "open", code: errno) }
        defer { close(dir) }
        guard fsync(dir) == 0 else { throw Failure(path: folder, operation: "fsync", code: errno) }
    }
}
