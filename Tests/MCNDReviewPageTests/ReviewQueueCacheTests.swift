import Foundation
import Hummingbird
import MCNDReviewPage
import MCNDTestSupport
import Testing

/// The page keeps a read of the queue only while it is current: a file moved
/// out of review/ by hand, or a commit by a pass, is seen by the next request,
/// however recently the queue was read.
@Suite("Review page queue reads") struct ReviewQueueCacheTests {
    static func total(_ client: LoopbackHTTPClient, _ headers: HTTPFields) async throws -> (Int, [String]) {
        let r = try await client.execute(uri: "/api/queue", method: .get, headers: headers)
        let page = try #require(try JSONSerialization.jsonObject(with: Data(r.body.readableBytesView)) as? [String: Any])
        return (try #require(page["total"] as? Int), page["labels"] as? [String] ?? [])
    }

    @Test func aKeptReadGivesWayToAHandMoveAndToAPass() async throws {
        let root = try ReviewRoot(copies: 1)
        let server = try root.server()
        let headers = try ReviewActionTests.headers(root)
        let waiting = root.files(under: "review")
        try #require(waiting.count >= 3)
        try await server.withClient { client in
            // Quiet folders: the second read is the kept one.
            try await Task.sleep(for: .milliseconds(1200))
            let (first, labels) = try await Self.total(client, headers)
            #expect(first == waiting.count)
            #expect(try await Self.total(client, headers).0 == first)

            try FileManager.default.createDirectory(atPath: root.path + "/elsewhere", withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: root.path + "/" + waiting[0], toPath: root.path + "/elsewhere/a.png")
            #expect(try await Self.total(client, headers).0 == first - 1, "a file moved out by hand is still listed")

            // A pass commits a new label: the next read shows it. (Here the pass also trains and
            // re-scores, moving a file in review/, so this does not tell the commit check from the folders'.)
            try await Task.sleep(for: .milliseconds(1200))
            _ = try await Self.total(client, headers)
            // An image no example has yet (a labeled one would be a conflict under a second label).
            let unlabeled = ReviewRoot.samples.appendingPathComponent("unlabeled").path
            let one = try #require(try FileManager.default.contentsOfDirectory(atPath: unlabeled).sorted().first { $0.hasSuffix(".png") })
            try FileManager.default.createDirectory(atPath: root.path + "/inbox/Sock", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: unlabeled + "/" + one, toPath: root.path + "/inbox/Sock/one.png")
            try root.once()
            let after = try await Self.total(client, headers).1
            #expect(after.contains("Sock") && !labels.contains("Sock"), "labels after the pass: \(after)")
        }
    }
}
