import Foundation
import Glibc

/// A temporary folder, removed when the test is done with it (kept when
/// `MCND_TEST_KEEP` is set, to look at after a failure). World-traversable so
/// that an unprivileged mcnd can reach a root inside it.
public final class Scratch: Sendable {
    public let url: URL

    public init(_ name: String) throws {
        var template = Array((FileManager.default.temporaryDirectory.path + "/mcnd-test-\(name)-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestFailure("mkdtemp: \(errnoText())")
        }
        url = URL(fileURLWithPath: String(cString: made))
        chmod(made, 0o755)
    }

    public var path: String { url.path }
    public func appending(_ component: String) -> URL { url.appendingPathComponent(component) }

    deinit {
        if ProcessInfo.processInfo.environment["MCND_TEST_KEEP"] == nil {
            // Undo chmods a test may have left, then remove.
            _ = try? Shell.run(["/bin/chmod", "-R", "u+rwX", path])
            try? FileManager.default.removeItem(at: url)
        }
    }
}
