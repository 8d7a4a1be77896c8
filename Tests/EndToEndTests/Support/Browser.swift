import Foundation
import MCNDTestSupport

/// Debian's chromium, headless, with no network: in a network namespace of its
/// own when `unshare -n` works (root in CI), and in any case with every host
/// name unresolvable and an unreachable proxy, so a page that needed the
/// network would show it (missing pictures), not fetch it.
enum Browser {
    static let isolated: Bool = (try? ReportRoot.run("unshare", ["-n", "true"], in: try Scratch("unshare")).status) == 0

    static func run(_ arguments: [String], in scratch: Scratch) throws -> (status: Int32, stdout: String, stderr: String) {
        let flags = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--hide-scrollbars",
            "--user-data-dir=" + scratch.appending("chromium-profile").path,
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
        ]
        if isolated { return try ReportRoot.run("unshare", ["-n", "chromium"] + flags + arguments, in: scratch) }
        return try ReportRoot.run("chromium", flags + arguments, in: scratch)
    }
}
