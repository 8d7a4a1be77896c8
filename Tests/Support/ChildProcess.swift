import Foundation
import Glibc

/// Starting and reaping child processes the way the tests need them: stdin
/// from /dev/null, stdout and stderr to files, and an environment without
/// anything that would steer mcnd (`MCND_*`, `NOTIFY_SOCKET`, `WATCHDOG_*`)
/// except what the test adds. `Child` is built on it.
public enum ChildProcess {
    public static func spawn(
        _ executable: String, argv: [String], environment extra: [String: String] = [:],
        stdout: String, stderr: String
    ) throws -> pid_t {
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("MCND_") && $0.key != "NOTIFY_SOCKET" && !$0.key.hasPrefix("WATCHDOG_")
        }
        for (key, value) in extra { env[key] = value }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let cArgv = argv.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in cArgv { free(p) }
            for p in envp { free(p) }
        }
        var child: pid_t = 0
        let code = posix_spawn(&child, executable, &actions, nil, cArgv, envp)
        guard code == 0 else { throw TestFailure("posix_spawn \(executable): \(errnoText(code))") }
        return child
    }

    /// The child's exit status (or signal), once it has ended; nil while it
    /// runs (`block: false`).
    public static func reap(_ pid: pid_t, block: Bool) -> (status: Int32, signaled: Bool)? {
        reapMeasured(pid, block: block).map { ($0.status, $0.signaled) }
    }

    /// `reap`, with the child's peak resident set (its VmHWM, from wait4's rusage) in KiB.
    public static func reapMeasured(_ pid: pid_t, block: Bool) -> (status: Int32, signaled: Bool, peakKiB: Int?)? {
        var status: Int32 = 0
        var usage = rusage()
        guard wait4(pid, &status, block ? 0 : WNOHANG, &usage) == pid else { return nil }
        let peak: Int? = Int(usage.ru_maxrss)
        return status & 0x7f == 0 ? ((status >> 8) & 0xff, false, peak) : (status & 0x7f, true, peak)
    }
}
