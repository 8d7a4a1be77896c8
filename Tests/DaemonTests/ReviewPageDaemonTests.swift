import Foundation
import Glibc
import MCNDTestSupport
import Testing

/// The daemon serves the review page beside its work when `review.listen` is
/// set: a confirmation made on the page is taken in by the same daemon, with
/// its `confirmed` event, as if a person had used `mv`.
@Suite("Review page beside the daemon") struct ReviewPageDaemonTests {
    static func curl(_ arguments: [String], scratch: Scratch) throws -> String {
        let child = try Child("/usr/bin/curl", ["-s", "--max-time", "10"] + arguments, output: scratch.path)
        _ = try child.wait(timeout: 20)
        return child.stdout
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs curl (scripts/setup installs it)"))
    func aConfirmationOnThePageIsTakenInByTheDaemon() async throws {
        let scratch = try Scratch("review-daemon")
        let root = try await Root.trained(in: scratch)
        let port = try LoopbackPort.free()
        let daemon = try Daemon(
            root: root, scratch: scratch,
            settings: ["settle_seconds=0", "review.target_precision=0.999", "review.audit_fraction=0", "review.listen=127.0.0.1:\(port)"])
        try await daemon.ready()
        let split = try Fashion.testSplit()
        for i in 0..<8 { try Files.drop(try split.png(i), into: root.inbox, as: "page-\(i).png") }
        #expect(try await eventually(timeout: 30) { root.predictions.files.filter { $0.hasPrefix("page-") }.count == 8 })

        let token = try String(contentsOfFile: root.path + "/state/review-token", encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let base = "http://127.0.0.1:\(port)"
        let refused = try Self.curl(["-o", "/dev/null", "-w", "%{http_code}", base + "/api/queue"], scratch: scratch)
        #expect(refused == "401")
        let queue = try Self.curl(["-H", "Authorization: Bearer \(token)", base + "/api/queue"], scratch: scratch)
        let page = try #require(try JSONSerialization.jsonObject(with: Data(queue.utf8)) as? [String: Any], "not JSON: \(queue)")
        let item = try #require((page["items"] as? [[String: Any]])?.first { ($0["file"] as? String)?.hasPrefix("page-") == true })
        let id = try #require(item["id"] as? Int), file = try #require(item["file"] as? String)
        let answer = try Self.curl(
            ["-X", "POST", "-H", "Authorization: Bearer \(token)", "-H", "Origin: \(base)", base + "/api/items/\(id)/confirm"],
            scratch: scratch)
        #expect(answer.contains("\"status\":\"moved\""), "\(answer)")
        #expect(
            try await eventually(timeout: 30) {
                root.events.events("confirmed").contains { $0["file"] as? String == "\(item["label"] as? String ?? "?")/\(file)" }
            }, "no confirmed event for \(file): \(root.events.completeObjects().suffix(3))")
        let exit = try await daemon.stop()
        #expect(exit.succeeded, "\(exit)")
    }
}
