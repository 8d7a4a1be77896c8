import Foundation
import Glibc

/// A child process (posix_spawn through `ChildProcess`), output to files in a
/// scratch folder, exit status by waitpid. One teardown for every test: SIGTERM,
/// then SIGKILL if it has not ended within the grace period (`stop`), also when
/// the test releases a child that still runs.
public final class Child: CustomStringConvertible {
    public let executable: String
    public let arguments: [String]
    public let pid: pid_t
    public let stdoutPath: String
    public let stderrPath: String
    /// Monotonic seconds and wall-clock time at the start (to compare with the times mcnd writes).
    public let started: Double
    public let startedAt: Date
    public private(set) var exit: Exit?
    /// Seconds from the start until the exit was seen.
    public private(set) var seconds = 0.0
    /// The process's peak resident set in KiB (its VmHWM), once it has exited.
    public private(set) var peakResidentKiB: Int?

    public struct Exit: Equatable, Sendable, CustomStringConvertible {
        public var status: Int32
        /// Whether the process ended by a signal (`status` is then the signal number).
        public var signaled: Bool
        public var succeeded: Bool { !signaled && status == 0 }
        public var description: String { signaled ? "killed by signal \(status)" : "exit \(status)" }
    }

    /// Starts `executable arguments…` (see `ChildProcess.spawn` for the environment).
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], output folder: String) throws {
        self.executable = executable
        self.arguments = arguments
        let tag = "\(getpid())-\(Int(monotonic() * 1e6))-\(UInt32.random(in: 0 ... .max))"
        stdoutPath = "\(folder)/child-\(tag).out"
        stderrPath = "\(folder)/child-\(tag).err"
        started = monotonic()
        startedAt = Date()
        pid = try ChildProcess.spawn(
            executable, argv: [executable] + arguments, environment: environment,
            stdout: stdoutPath, stderr: stderrPath)
    }

    deinit {
        stop(grace: 5)
        unlink(stdoutPath)
        unlink(stderrPath)
    }

    /// Reaps the child if it has exited.
    @discardableResult
    public func poll() -> Exit? {
        if let exit { return exit }
        guard let ended = ChildProcess.reapMeasured(pid, block: false) else { return nil }
        return record(ended)
    }

    private func record(_ ended: (status: Int32, signaled: Bool, peakKiB: Int?)) -> Exit {
        seconds = monotonic() - started
        peakResidentKiB = ended.peakKiB
        let exit = Exit(status: ended.status, signaled: ended.signaled)
        self.exit = exit
        return exit
    }

    public var isRunning: Bool { poll() == nil }
    public var succeeded: Bool { exit?.succeeded ?? false }
    /// The exit status (or signal number); -1 while it runs.
    public var status: Int32 { exit?.status ?? -1 }
    public var signaled: Bool { exit?.signaled ?? false }

    public func signal(_ signal: Int32) { if isRunning { Glibc.kill(pid, signal) } }

    /// Blocks until the child exits by itself.
    @discardableResult
    public func waitForExit() -> Exit {
        if let exit { return exit }
        while true {
            if let ended = ChildProcess.reapMeasured(pid, block: true) { return record(ended) }
            // Only an interruption is worth another wait; anything else means it is not ours to reap.
            guard errno == EINTR else { return record((status: -1, signaled: false, peakKiB: nil)) }
        }
    }

    /// Blocks up to `timeout` seconds for the exit; throws when the child still runs.
    @discardableResult
    public func wait(timeout: Double) throws -> Exit {
        guard try eventually(timeout: timeout, every: 10, { poll() != nil }), let exit else {
            throw TestFailure("\(command) did not finish within \(timeout) s")
        }
        return exit
    }

    /// Waits up to `timeout` seconds for the exit, sleeping between polls; nil when it still runs.
    public func wait(timeout: Double) async throws -> Exit? {
        _ = try await eventually(timeout: timeout, every: 10) { poll() != nil }
        return exit
    }

    /// SIGTERM, then SIGKILL when the child has not ended within `grace` seconds; reaps it.
    public func stop(grace: Double = 30) {
        guard isRunning else { return }
        Glibc.kill(pid, SIGTERM)
        if (try? eventually(timeout: grace, every: 10, { poll() != nil })) != true {
            Glibc.kill(pid, SIGKILL)
            waitForExit()
        }
    }

    /// Sends SIGKILL `delay` seconds after the start unless the child exited
    /// before; whether the signal was sent, and the ended child.
    public func kill(after delay: Double) -> (killed: Bool, result: Child) {
        let deadline = started + delay
        return kill(when: { monotonic() >= deadline }, jitter: 0)
    }

    /// Watches the child (every half millisecond) until `ready()` holds, waits
    /// `jitter` seconds more, then sends SIGKILL unless it exited before.
    public func kill(when ready: () -> Bool, jitter: Double) -> (killed: Bool, result: Child) {
        while isRunning, !ready() { usleep(500) }
        if jitter > 0, isRunning { usleep(useconds_t(jitter * 1e6)) }
        let killed = isRunning && Glibc.kill(pid, SIGKILL) == 0
        waitForExit()
        return (killed, self)
    }

    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// The lines `mcnd: reason` a failed command prints (log lines have a time stamp first).
    public var reasonLines: [Substring] { stderr.split(separator: "\n").filter { $0.hasPrefix("mcnd: ") } }

    private var command: String {
        ([(executable as NSString).lastPathComponent] + arguments).joined(separator: " ")
    }

    /// What a failure message shows about this child.
    public var transcript: String {
        "\(command) → \(exit.map(\.description) ?? "still running") after \(String(format: "%.2f", seconds)) s\n"
            + "stdout: \(stdout)\nstderr: \(stderr)"
    }

    public var description: String { transcript }
}
