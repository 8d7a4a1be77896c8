import Glibc
import MCNDTestSupport

/// A daemon on a root, with the notify socket it reports to.
final class Daemon {
    let child: Child
    let notify: NotifySocket

    /// Starts `mcnd --root ROOT` with `settings` as `--set` overrides and
    /// `NOTIFY_SOCKET` at a fresh socket in `scratch`.
    init(root: Root, scratch: Scratch, settings: [String], environment: [String: String] = [:]) throws {
        notify = try NotifySocket(path: "\(scratch.path)/notify.sock")
        var environment = environment
        environment["NOTIFY_SOCKET"] = notify.path
        child = try MCND.start(
            ["--root", root.path] + settings.flatMap { ["--set", $0] }, scratch: scratch.url,
            environment: environment)
    }

    /// Waits for READY=1, failing with the daemon's output if it exits or takes too long.
    func ready(timeout: Double = 30) async throws {
        var exited = false
        _ = try await eventually(timeout: timeout) {
            exited = !child.isRunning
            return exited || notify.received("READY=1")
        }
        guard notify.received("READY=1") else {
            throw TestFailure("no READY=1 within \(timeout) s\(exited ? "; the daemon exited" : ""): \(child.transcript)")
        }
    }

    /// Sends `signal` and waits for the exit.
    func stop(_ signal: Int32 = SIGTERM, timeout: Double = 15) async throws -> Child.Exit {
        child.signal(signal)
        guard let exit = try await child.wait(timeout: timeout) else {
            throw TestFailure("the daemon did not exit within \(timeout) s of signal \(signal): \(child.transcript)")
        }
        return exit
    }
}
