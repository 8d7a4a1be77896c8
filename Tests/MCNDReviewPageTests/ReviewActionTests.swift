import Foundation
import Hummingbird
import MCNDFileSystem
import MCNDPipeline
import MCNDReviewPage
import MCNDTestSupport
import Testing

/// The page's actions are a person's moves: where the files go, what a file
/// moved by someone else answers, undo, and the events the next pass writes.
@Suite("Review page actions") struct ReviewActionTests {
    static func headers(_ root: ReviewRoot) throws -> HTTPFields {
        var h: HTTPFields = [.cookie: "\(ReviewAccessTests.cookie)=\(try ReviewAccessTests.token(root))"]
        h[.origin] = "http://localhost"
        h[.contentType] = "application/json"
        return h
    }

    static func answer(_ r: LoopbackHTTPClient.Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(r.body.readableBytesView)) as? [String: Any]) ?? [:]
    }

    @Test func movesAreAPersonsMovesAndTheNextPassConfirmsAndCorrects() async throws {
        let root = try ReviewRoot(copies: 1)
        let server = try root.server()
        let headers = try Self.headers(root)
        try await server.withClient { client in
            let items = try await ReviewAccessTests.queue(client, headers)
            try #require(items.count >= 5, "only \(items.count) items queued")
            func field(_ i: Int, _ key: String) -> String { items[i][key] as? String ?? "?" }
            let labels = try #require(
                Self.answer(try await client.execute(uri: "/api/queue", method: .get, headers: headers))["labels"] as? [String])
            let other = try #require(labels.first { $0 != field(1, "label") })

            // Confirm, correct to an existing label, correct to a new one, dismiss.
            let asked: [(Int, String, String?)] = [(0, "confirm", nil), (1, "correct", other), (2, "correct", "Sock"), (3, "dismiss", nil)]
            var actions: [Int] = []
            for (i, action, label) in asked {
                let body = label.map { ByteBuffer(string: "{\"label\": \"\($0)\"}") }
                let r = try await client.execute(
                    uri: "/api/items/\(items[i]["id"]!)/\(action)", method: .post, headers: headers, body: body)
                #expect(r.status == .ok, "\(action): \(r.status) \(String(decoding: r.body.readableBytesView, as: UTF8.self))")
                actions.append(try #require(Self.answer(r)["action"] as? Int))
            }
            let name = { (i: Int) in field(i, "file") }
            #expect(FileManager.default.fileExists(atPath: root.path + "/inbox/\(field(0, "label"))/\(name(0))"))
            #expect(FileManager.default.fileExists(atPath: root.path + "/inbox/\(other)/\(name(1))"))
            #expect(FileManager.default.fileExists(atPath: root.path + "/inbox/Sock/\(name(2))"))
            #expect(FileManager.default.fileExists(atPath: root.path + "/archive/dismissed/\(name(3))"))
            for i in 0..<4 { #expect(!FileManager.default.fileExists(atPath: root.path + "/review/\(field(i, "folder"))/\(name(i))")) }

            // Someone else moved item 4 by hand: the page says so, it is no error.
            try FileManager.default.createDirectory(atPath: root.path + "/inbox/Elsewhere", withIntermediateDirectories: true)
            try FileManager.default.moveItem(
                atPath: root.path + "/review/\(field(4, "folder"))/\(name(4))", toPath: root.path + "/inbox/Elsewhere/\(name(4))")
            let late = try await client.execute(uri: "/api/items/\(items[4]["id"]!)/confirm", method: .post, headers: headers)
            #expect(late.status == .conflict && Self.answer(late)["status"] as? String == "already_moved")
            let again = try await client.execute(uri: "/api/items/\(items[0]["id"]!)/dismiss", method: .post, headers: headers)
            #expect(again.status == .conflict && Self.answer(again)["status"] as? String == "already_moved")

            // Labels that could not be folders.
            for bad in ["../x", "_hidden", ".dot", "a/b", "", " padded "] {
                let body = ByteBuffer(string: "{\"label\": \"\(bad)\"}")
                let r = try await client.execute(uri: "/api/items/\(items[5]["id"]!)/correct", method: .post, headers: headers, body: body)
                #expect(r.status == .unprocessableContent && Self.answer(r)["status"] as? String == "bad_label", "\"\(bad)\": \(r.status)")
            }
            #expect(FileManager.default.fileExists(atPath: root.path + "/review/\(field(5, "folder"))/\(name(5))"))

            // Undo the dismissal: the file is back where it waited; a second undo has nothing to do.
            let undo = try await client.execute(uri: "/api/actions/\(actions[3])/undo", method: .post, headers: headers)
            #expect(undo.status == .ok && Self.answer(undo)["status"] as? String == "undone")
            #expect(FileManager.default.fileExists(atPath: root.path + "/review/\(field(3, "folder"))/\(name(3))"))
            let twice = try await client.execute(uri: "/api/actions/\(actions[3])/undo", method: .post, headers: headers)
            #expect(twice.status == .conflict)
        }
        // The next pass takes the moved files in as examples, with the review loop's events.
        let summary = try root.once()
        #expect(summary.ingest.examples >= 3, "examples +\(summary.ingest.examples)")
        let events = root.lines("events.jsonl")
        #expect(events.filter { $0["event"] as? String == "confirmed" }.count == 1)
        #expect(events.filter { $0["event"] as? String == "corrected" }.count == 3, "a correction, a new label, the hand-moved file")
        #expect(events.contains { $0["event"] as? String == "corrected" && $0["label"] as? String == "Sock" })
    }

    /// 20 clients on two servers (two desks: the rename, not the actor, decides) act on the same
    /// 200 items in different orders: every file moves exactly once, every other attempt hears
    /// it was already moved, and nothing is lost.
    @Test func twentyClientsOnTheSameItemsMoveEachFileExactlyOnce() async throws {
        let root = try ReviewRoot(copies: 8)
        let servers = [try root.server(), try root.server()]
        let headers = try Self.headers(root)
        let ids = try await servers[0].withClient { client in
            try await ReviewAccessTests.queue(client, headers).compactMap { $0["id"] as? Int }
        }
        try #require(ids.count >= 200, "only \(ids.count) items queued")
        let chosen = Array(ids.prefix(200))
        let waitingBefore = root.files(under: "review").count
        let results = try await servers[0].serving { first in
            try await servers[1].serving { second in
                let ports = [first, second]
                return try await withThrowingTaskGroup(of: [(Int, String)].self) { group in
                    for c in 0..<20 {
                        // Each client on its own connection, as 20 browser tabs would be.
                        group.addTask {
                            try await LoopbackHTTPClient.withConnection(port: ports[c % 2]) { client in
                                var generator = SystemRandomNumberGenerator()
                                var out: [(Int, String)] = []
                                for id in chosen.shuffled(using: &generator) {
                                    let action = ["confirm", "dismiss", "correct"][(id + c) % 3]
                                    let body = action == "correct" ? ByteBuffer(string: "{\"label\": \"Client\(c)\"}") : nil
                                    let r = try await client.execute(
                                        uri: "/api/items/\(id)/\(action)", method: .post, headers: headers, body: body)
                                    out.append((id, Self.answer(r)["status"] as? String ?? "HTTP \(r.status.code)"))
                                }
                                return out
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
            }
        }
        #expect(results.count == 20 * 200)
        let moved = results.filter { $0.1 == "moved" }
        #expect(moved.count == 200, "\(moved.count) moves for 200 items")
        #expect(Set(moved.map(\.0)) == Set(chosen), "some item moved twice or never")
        #expect(results.allSatisfy { $0.1 == "moved" || $0.1 == "already_moved" }, "\(Set(results.map(\.1)))")
        let landed = root.files(under: "inbox").filter { !$0.hasPrefix("inbox/.") } + root.files(under: "archive/dismissed")
        #expect(landed.count == 200, "\(landed.count) files in inbox/ and archive/dismissed/")
        #expect(root.files(under: "review").count == waitingBefore - 200)
        #expect(landed.allSatisfy { !$0.contains("-1.png") }, "a file was moved twice (a second copy got a new name)")
    }
}
