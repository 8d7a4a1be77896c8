import Foundation
import Glibc
import Testing

/// Runs the `mcnd` executable that the build put beside the test bundle, as a
/// user would: arguments in, a `Child` with exit status and output back.
public enum MCND {
    public struct Missing: Error, CustomStringConvertible {
        public var searched: [String]
        public var description: String {
            "the mcnd executable was not found beside the test bundle (looked at \(searched.joined(separator: ", "))); "
                + "build it with `swift build -c release --product mcnd` (scripts/test does) before `swift test --skip-build`"
        }
    }

    /// `mcnd` in the build products folder, found from the running test bundle; `MCND_TEST_BINARY` overrides it.
    public static func path() throws(Missing) -> String {
        if let explicit = ProcessInfo.processInfo.environment["MCND_TEST_BINARY"] {
            guard access(explicit, X_OK) == 0 else { throw Missing(searched: [explicit]) }
            return explicit
        }
        var folders: [URL] = []
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let first = CommandLine.arguments.first {
            folders.append(URL(fileURLWithPath: first, relativeTo: cwd).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        if let executable = Bundle.main.executableURL {
            folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        folders.append(Bundle.main.bundleURL.resolvingSymlinksInPath())
        var searched: [String] = []
        for folder in folders {
            // Linux: the test runner sits beside `mcnd`; Darwin: inside the .xctest bundle one level down.
            for candidate in [folder, folder.deletingLastPathComponent()] {
                let path = candidate.appendingPathComponent("mcnd").path
                if searched.contains(path) { continue }
                searched.append(path)
                var st = stat()
                if stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG, access(path, X_OK) == 0 { return path }
            }
        }
        throw Missing(searched: searched)
    }

    /// The command prefix that runs a program as uid/gid 65534, or why it cannot.
    public static let unprivileged: Result<[String], TestFailure> = {
        guard getuid() == 0 else { return .failure(TestFailure("not running as root, so the test cannot switch to another user")) }
        for tool in ["/usr/bin/setpriv", "/bin/setpriv"] where access(tool, X_OK) == 0 {
            return .success([tool, "--reuid=65534", "--regid=65534", "--clear-groups"])
        }
        for tool in ["/usr/sbin/runuser", "/sbin/runuser"] where access(tool, X_OK) == 0 {
            return .success([tool, "-u", "nobody", "--"])
        }
        return .failure(TestFailure("neither setpriv nor runuser is installed"))
    }()

    /// Starts `mcnd arguments…`, its output in `scratch` (optionally as the unprivileged user).
    public static func start(
        _ arguments: [String], scratch: URL, environment: [String: String] = [:],
        asUser: Bool = false
    ) throws -> Child {
        let binary = try path()
        if asUser {
            let prefix = try unprivileged.get()
            return try Child(
                prefix[0], Array(prefix.dropFirst()) + [binary] + arguments, environment: environment,
                output: scratch.path)
        }
        return try Child(binary, arguments, environment: environment, output: scratch.path)
    }

    /// The longest a command may take before the test calls it hung.
    public static let hung = 900.0

    /// Runs `mcnd arguments…` to completion, blocking.
    @discardableResult
    public static func run(_ arguments: [String], scratch: URL, asUser: Bool = false, timeout: Double = hung) throws -> Child {
        let child = try start(arguments, scratch: scratch, asUser: asUser)
        try child.wait(timeout: timeout)
        return child
    }

    /// Runs `mcnd arguments…` to completion, sleeping while it runs.
    @discardableResult
    public static func run(_ arguments: [String], scratch: URL, asUser: Bool = false, timeout: Double = hung) async throws -> Child {
        let child = try start(arguments, scratch: scratch, asUser: asUser)
        guard try await child.wait(timeout: timeout) != nil else {
            throw TestFailure("mcnd \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        return child
    }

    /// Runs `mcnd arguments…` and records an issue unless it exits 0.
    @discardableResult
    public static func succeed(_ arguments: [String], scratch: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> Child {
        let child = try run(arguments, scratch: scratch)
        #expect(child.succeeded, "\(child)", sourceLocation: sourceLocation)
        return child
    }
}
