import Foundation
import Glibc
import MCNDImaging
import MCNDTestSupport
import Testing

/// The `mcnd` executable beside this test bundle.
enum Binary {
    static func mcnd() throws -> String { try MCNDBinary.path() }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// Monotonic seconds.
func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Polls `condition` until it holds or `timeout` seconds pass.
func eventually(timeout: Double, _ condition: () throws -> Bool) throws -> Bool {
    let deadline = monotonic() + timeout
    while true {
        if try condition() { return true }
        if monotonic() >= deadline { return false }
        usleep(20_000)
    }
}

/// A child process (posix_spawn), output to files; killed if still running when released.
final class Child {
    let arguments: [String]
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private(set) var exit: (status: Int32, signaled: Bool)?

    init(_ executable: String, _ arguments: [String], output folder: String) throws {
        self.arguments = [executable] + arguments
        let tag = "\(getpid())-\(Int(monotonic() * 1e6))-\(UInt32.random(in: 0 ... .max))"
        stdoutPath = "\(folder)/child-\(tag).out"
        stderrPath = "\(folder)/child-\(tag).err"
        pid = try ChildProcess.spawn(executable, argv: self.arguments, stdout: stdoutPath, stderr: stderrPath)
    }

    deinit {
        if exit == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        unlink(stdoutPath)
        unlink(stderrPath)
    }

    @discardableResult
    func poll() -> (status: Int32, signaled: Bool)? {
        if let exit { return exit }
        exit = ChildProcess.reap(pid, block: false)
        return exit
    }

    var isRunning: Bool { poll() == nil }
    var succeeded: Bool { exit.map { !$0.signaled && $0.status == 0 } ?? false }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func wait(timeout: Double) throws {
        guard try eventually(timeout: timeout, { poll() != nil }) else {
            throw TestFailure("\(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
    }

    /// SIGTERM, then wait (SIGKILL after `timeout`).
    func stop(timeout: Double = 30) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        if (try? wait(timeout: timeout)) == nil { kill(pid, SIGKILL); try? wait(timeout: 10) }
    }

    var transcript: String {
        let how = exit.map { $0.signaled ? "killed by signal \($0.status)" : "exit \($0.status)" } ?? "still running"
        return "\(arguments.joined(separator: " ")) → \(how)\nstdout: \(stdout)\nstderr: \(stderr)"
    }

    /// The line `mcnd: reason` a failed command prints (log lines have a time stamp first).
    var reasonLines: [Substring] { stderr.split(separator: "\n").filter { $0.hasPrefix("mcnd: ") } }
}

/// Runs `mcnd` (optionally as an unprivileged user through `setpriv`).
enum MCND {
    /// The command prefix that runs a program as uid/gid 65534, or nil with the reason it cannot.
    static let unprivileged: Result<[String], TestFailure> = {
        guard getuid() == 0 else { return .failure(TestFailure("not running as root, so the test cannot switch to another user")) }
        for tool in ["/usr/bin/setpriv", "/bin/setpriv"] where access(tool, X_OK) == 0 {
            return .success([tool, "--reuid=65534", "--regid=65534", "--clear-groups"])
        }
        for tool in ["/usr/sbin/runuser", "/sbin/runuser"] where access(tool, X_OK) == 0 {
            return .success([tool, "-u", "nobody", "--"])
        }
        return .failure(TestFailure("neither setpriv nor runuser is installed"))
    }()

    static func start(_ arguments: [String], output folder: String, asUser: Bool = false) throws -> Child {
        let binary = try Binary.mcnd()
        if asUser {
            let prefix = try unprivileged.get()
            return try Child(prefix[0], Array(prefix.dropFirst()) + [binary] + arguments, output: folder)
        }
        return try Child(binary, arguments, output: folder)
    }

    static func run(_ arguments: [String], output folder: String, asUser: Bool = false, timeout: Double = 180) throws -> Child {
        let child = try start(arguments, output: folder, asUser: asUser)
        try child.wait(timeout: timeout)
        return child
    }

    /// `mcnd --root R --once` with settle 0 and a short first run. Truncated files the tests write are
    /// cut off for good, so they are rejected at once (no incomplete_grace_seconds).
    static func once(_ root: String, output folder: String, asUser: Bool = false, _ settings: [String] = []) throws -> Child {
        try run(["--root", root, "--once", "--set", "settle_seconds=0", "--set", "incomplete_grace_seconds=0",
                 "--set", "train.epochs=2", "--set", "train.units=16"]
            + settings.flatMap { ["--set", $0] }, output: folder, asUser: asUser)
    }
}
