import Foundation
import Hummingbird
import MCNDReviewPage
import MCNDTestSupport
import Testing

/// Undo against the daemon: once mcnd has taken in a file a person sorted
/// (trained on it, announced it, archived it or is about to), undo is too
/// late, says so, and changes nothing — whatever now lies at the file's old
/// or new name.
@Suite("Review page undo after the daemon") struct ReviewUndoTests {
    typealias Actions = ReviewActionTests

    /// Sorts `items[i]` with `action`; the action's number to undo.
    static func act(
        _ client: LoopbackHTTPClient, _ headers: HTTPFields, _ item: [String: Any], _ action: String, label: String? = nil
    ) async throws -> Int {
        let body = label.map { ByteBuffer(string: "{\"label\": \"\($0)\"}") }
        let r = try await client.execute(uri: "/api/items/\(item["id"]!)/\(action)", method: .post, headers: headers, body: body)
        #expect(r.status == .ok, "\(action): \(r.status)")
        return try #require(Actions.answer(r)["action"] as? Int)
    }

    static func undo(
        _ client: LoopbackHTTPClient, _ headers: HTTPFields, _ number: Int
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let r = try await client.execute(uri: "/api/actions/\(number)/undo", method: .post, headers: headers)
        return (r.status, Actions.answer(r))
    }

    static func tooLate(_ answer: (HTTPResponse.Status, [String: Any]), sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer.0 == .conflict && answer.1["status"] as? String == "too_late", "\(answer)", sourceLocation: sourceLocation)
        #expect((answer.1["reason"] as? String)?.contains("already trained") == true, "\(answer.1)", sourceLocation: sourceLocation)
    }

    /// Taken in and archived; then a different file of the same name is put in the label folder:
    /// undo must not carry that stranger to review/.
    @Test func undoAfterThePassTookTheFileInIsTooLateAndMovesNoStranger() async throws {
        let root = try ReviewRoot(copies: 1)
        let server = try root.server()
        let headers = try Actions.headers(root)
        let (items, numbers) = try await server.withClient { client in
            let items = try await ReviewAccessTests.queue(client, headers)
            try #require(items.count >= 2)
            return (
                items, [try await Self.act(client, headers, items[0], "confirm"), try await Self.act(client, headers, items[1], "dismiss")]
            )
        }
        let (label, file, folder) = (items[0]["label"] as! String, items[0]["file"] as! String, items[0]["folder"] as! String)
        try root.once()
        #expect(FileManager.default.fileExists(atPath: root.path + "/archive/labeled/\(label)/\(file)"), "not taken in")
        let stranger = root.path + "/inbox/\(label)/\(file)"
        let labeled = ReviewRoot.samples.appendingPathComponent("labeled/Bag").path
        let other = try #require(try FileManager.default.contentsOfDirectory(atPath: labeled).first)
        try FileManager.default.copyItem(atPath: labeled + "/" + other, toPath: stranger)
        try await server.withClient { client in
            Self.tooLate(try await Self.undo(client, headers, numbers[0]))
        }
        #expect(FileManager.default.fileExists(atPath: stranger), "undo moved another file away from inbox/\(label)/")
        #expect(!FileManager.default.fileExists(atPath: root.path + "/review/\(folder)/\(file)"))
        #expect(root.lines("events.jsonl").filter { $0["event"] as? String == "confirmed" }.count == 1)
    }

    /// The pass decided the confirmation (example, `confirmed` line) but could not move the file yet:
    /// it is still at inbox/<label>/, yet trained on. Undo must leave it there.
    @Test func undoAfterThePassDecidedButBeforeItMovedIsTooLate() async throws {
        let root = try ReviewRoot(copies: 1)
        let server = try root.server()
        let headers = try Actions.headers(root)
        let (item, number) = try await server.withClient { client in
            let item = try #require(try await ReviewAccessTests.queue(client, headers).first)
            return (item, try await Self.act(client, headers, item, "confirm"))
        }
        let (label, file, folder) = (item["label"] as! String, item["file"] as! String, item["folder"] as! String)
        // archive/labeled swapped for a symlink: the pass commits its outcome, then its move fails.
        let archive = root.path + "/archive/labeled"
        let elsewhere = FileManager.default.temporaryDirectory.path + "/mcnd-undo-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        try FileManager.default.moveItem(atPath: archive, toPath: archive + "-real")
        try FileManager.default.createSymbolicLink(atPath: archive, withDestinationPath: elsewhere)
        _ = try? root.once()
        let sorted = root.path + "/inbox/\(label)/\(file)"
        try #require(FileManager.default.fileExists(atPath: sorted), "the pass moved the file after all")
        try #require(root.lines("events.jsonl").contains { $0["event"] as? String == "confirmed" }, "the pass did not decide")
        try await server.withClient { client in
            Self.tooLate(try await Self.undo(client, headers, number))
        }
        #expect(FileManager.default.fileExists(atPath: sorted), "undo took back a file the pass had trained on")
        #expect(!FileManager.default.fileExists(atPath: root.path + "/review/\(folder)/\(file)"))
        // With the folder back, the next pass finishes the move: one example, one line.
        try FileManager.default.removeItem(atPath: archive)
        try FileManager.default.moveItem(atPath: archive + "-real", toPath: archive)
        try root.once()
        #expect(FileManager.default.fileExists(atPath: archive + "/\(label)/\(file)"))
        #expect(root.lines("events.jsonl").filter { $0["event"] as? String == "confirmed" }.count == 1)
    }
}
