import Foundation
import MCNDTestSupport
import Glibc

/// The `mcnd` executable beside this test bundle.
enum Binary {
    static func mcnd() throws -> String { try MCNDBinary.path() }
}

/// Monotonic seconds.
func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Polls `condition` every few milliseconds until it holds or `timeout` seconds pass.
func eventually(timeout: Double, every milliseconds: Int = 5, _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = monotonic() + timeout
    while true {
        if try condition() { return true }
        if monotonic() >= deadline { return false }
        try await Task.sleep(for: .milliseconds(milliseconds))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A child process started with posix_spawn: output to files, exit status by
/// waitpid, killed with SIGKILL if the test ends while it still runs.
final class Child {
    let arguments: [String]
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private(set) var exit: Exit?

    struct Exit: Equatable, CustomStringConvertible {
        var status: Int32
        var signaled: Bool
        var succeeded: Bool { !signaled && status == 0 }
        var description: String { signaled ? "killed by signal \(status)" : "exit \(status)" }
    }

    /// Starts `executable arguments…` with the current environment minus
    /// `MCND_*` and `NOTIFY_SOCKET`/`WATCHDOG_*`, plus `environment`.
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], output folder: String) throws {
        self.arguments = arguments
        let tag = "\(getpid())-\(Int(monotonic() * 1e6))-\(UInt32.random(in: 0 ... .max))"
        stdoutPath = "\(folder)/child-\(tag).out"
        stderrPath = "\(folder)/child-\(tag).err"
        pid = try ChildProcess.spawn(executable, argv: [executable] + arguments, environment: environment,
                                     stdout: stdoutPath, stderr: stderrPath)
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

    /// Reaps the child if it has exited.
    @discardableResult
    func poll() -> Exit? {
        if let exit { return exit }
        guard let ended = ChildProcess.reap(pid, block: false) else { return nil }
        exit = Exit(status: ended.status, signaled: ended.signaled)
        return exit
    }

    var isRunning: Bool { poll() == nil }

    func signal(_ signal: Int32) { if isRunning { kill(pid, signal) } }

    /// Waits up to `timeout` seconds for the child to exit.
    func wait(timeout: Double) async throws -> Exit? {
        _ = try await eventually(timeout: timeout, every: 10) { poll() != nil }
        return exit
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// What a failure message should show about this child.
    var transcript: String {
        "mcnd \(arguments.joined(separator: " ")) → \(exit.map(\.description) ?? "still running")\nstdout: \(stdout)\nstderr: \(stderr)"
    }

    /// Runs `mcnd arguments…` to completion (at most `timeout` seconds).
    static func run(_ arguments: [String], in folder: String, timeout: Double = 120) async throws -> Child {
        let child = try Child(try Binary.mcnd(), arguments, output: folder)
        guard try await child.wait(timeout: timeout) != nil else {
            throw TestFailure("mcnd \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        return child
    }
}
