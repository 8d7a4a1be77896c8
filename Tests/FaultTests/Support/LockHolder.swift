import Foundation
import Glibc
import MCNDTestSupport

/// Another process holding a write transaction on a SQLite database, as an
/// operator's `sqlite3` session with `BEGIN IMMEDIATE` or a backup tool does:
/// python3's `sqlite3` module (SQLite's own library, no code shared with mcnd).
/// The lock is held from `init` until `release()`.
final class LockHolder {
    private let process = Process()
    private let input = Pipe()

    static let script = #"""
        import sqlite3, sys
        c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
        c.execute("BEGIN IMMEDIATE")
        print("locked", flush=True)
        sys.stdin.read()
        c.execute("ROLLBACK")
        c.close()
        """#

    init(_ database: String) throws {
        guard let python = Shell.which(["python3"]) else { throw TestFailure("python3 is needed to hold a write lock on the database") }
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", Self.script, database]
        process.standardInput = input
        process.standardOutput = output
        // Our ends of the pipes must not leak into the mcnd children started later: a daemon
        // holding the write end would keep python's stdin open, and the lock with it.
        for fd in [input.fileHandleForWriting.fileDescriptor, output.fileHandleForReading.fileDescriptor] {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        try process.run()
        // Its first line says the transaction is open.
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard line.hasPrefix("locked") else {
            release()
            throw TestFailure("python3 could not take a write lock on \(database): \(line)")
        }
    }

    /// Ends the transaction and the process.
    func release() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.close()
        // The kernel drops SQLite's locks with the process, should it not end by itself.
        if (try? eventually(timeout: 10, { !process.isRunning })) != true { process.terminate() }
        process.waitUntilExit()
    }

    deinit { release() }
}
