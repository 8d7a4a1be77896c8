import Glibc
import MCNDTestSupport

/// A writer that does not use the tmp+rename discipline and pauses midway, as a
/// scanner's SMB upload or `cp` over a slow mount does: the first half of the
/// content is written at `init`, the rest by `finish()`.
final class SlowWriter {
    let path: String
    let content: [UInt8]
    private var fd: Int32

    init(_ path: String, _ content: [UInt8]) throws {
        self.path = path
        self.content = content
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TestFailure("create \(path): \(errnoText())") }
        try Files.writeAll(fd, content[..<(content.count / 2)], path: path)
    }

    func finish() throws {
        guard fd >= 0 else { return }
        defer {
            close(fd)
            fd = -1
        }
        try Files.writeAll(fd, content[(content.count / 2)...], path: path)
    }

    deinit { if fd >= 0 { close(fd) } }
}
