import Foundation
import MCNDTestSupport
import Glibc
import Testing

/// Runs the `mcnd` executable that the build put beside the test bundle, as a
/// user would: arguments in, exit status and output back.
enum MCND {
    /// `mcnd` in the build products folder (`.build/debug` or `.build/release`),
    /// found from the running test bundle; `MCND_TEST_BINARY` overrides it.
    static func path() throws -> String { try MCNDBinary.path() }

    struct RunResult: CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        /// Whether the process ended by a signal (status is then the signal number).
        var signaled: Bool
        var stdout: String
        var stderr: String
        /// Wall-clock start, to compare with the times mcnd writes.
        var startedAt: Date
        var seconds: Double

        var succeeded: Bool { !signaled && status == 0 }
        var description: String {
            "mcnd \(arguments.joined(separator: " ")) → \(signaled ? "signal" : "exit") \(status) after \(String(format: "%.2f", seconds)) s\n"
                + "stdout: \(stdout)\nstderr: \(stderr)"
        }
    }

    /// A started `mcnd`; `wait()` or `kill(after:)` ends it.
    final class Child {
        let arguments: [String]
        let process: Process
        let started: Double
        let startedAt: Date
        private let out: URL
        private let err: URL

        init(_ arguments: [String], scratch: URL) throws {
            self.arguments = arguments
            out = scratch.appendingPathComponent("mcnd-\(UUID().uuidString).out")
            err = scratch.appendingPathComponent("mcnd-\(UUID().uuidString).err")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            process = Process()
            process.executableURL = URL(fileURLWithPath: try MCND.path())
            process.arguments = arguments
            // No ambient configuration: only what the test passes.
            process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MCND_") }
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            started = Clock.now()
            startedAt = Date()
            try process.run()
        }

        var pid: Int32 { process.processIdentifier }
        var isRunning: Bool { process.isRunning }

        /// Waits for the process to exit by itself.
        func wait() -> MCND.RunResult {
            process.waitUntilExit()
            return result()
        }

        /// Sends SIGKILL `delay` seconds after the start unless the process
        /// exited before; returns whether the signal was sent, and the result.
        func kill(after delay: Double) -> (killed: Bool, result: MCND.RunResult) {
            let deadline = started + delay
            return kill(when: { Clock.now() >= deadline }, jitter: 0)
        }

        /// Watches the process (every half millisecond) until `ready()` holds,
        /// waits `jitter` seconds more, then sends SIGKILL — unless the process
        /// exited before; returns whether the signal was sent, and the result.
        func kill(when ready: () -> Bool, jitter: Double) -> (killed: Bool, result: MCND.RunResult) {
            while process.isRunning, !ready() { usleep(500) }
            if jitter > 0, process.isRunning { usleep(useconds_t(jitter * 1e6)) }
            var killed = false
            if process.isRunning {
                killed = Glibc.kill(process.processIdentifier, SIGKILL) == 0
            }
            process.waitUntilExit()
            return (killed, result())
        }

        private func result() -> MCND.RunResult {
            let seconds = Clock.now() - started
            let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
            return MCND.RunResult(arguments: arguments, status: process.terminationStatus,
                               signaled: process.terminationReason == .uncaughtSignal,
                               stdout: stdout, stderr: stderr, startedAt: startedAt, seconds: seconds)
        }
    }

    /// Runs `mcnd arguments…` to completion.
    @discardableResult
    static func run(_ arguments: [String], scratch: URL) throws -> MCND.RunResult {
        try Child(arguments, scratch: scratch).wait()
    }

    /// Runs `mcnd arguments…` and records an issue unless it exits 0.
    @discardableResult
    static func succeed(_ arguments: [String], scratch: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> MCND.RunResult {
        let result = try run(arguments, scratch: scratch)
        #expect(result.succeeded, "\(result)", sourceLocation: sourceLocation)
        return result
    }
}

enum Clock {
    /// Monotonic seconds.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
