import Glibc

/// The root's lock: `flock` on state/lock, holding the owner's pid, so a
/// second mcnd (cron's `--once` while the daemon runs) leaves without touching
/// anything. The kernel drops it when the process dies, `kill -9` included.
public final class RootLock: Sendable {
    private let fd: Int32

    public init(layout: RootLayout) throws(PipelineError) {
        let fd = open(layout.lock, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: layout.lock, operation: "open", errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 31, 0) }
            close(fd)
            if code == EWOULDBLOCK {
                let pid = n > 0 ? Int32(String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n").first ?? "") : nil
                throw .rootBusy(root: layout.root, pid: pid)
            }
            throw .io(path: layout.lock, operation: "flock", errno: code)
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
    }

    deinit {
        _ = ftruncate(fd, 0)
        close(fd)
    }
}
