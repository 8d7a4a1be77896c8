import Foundation
import Hummingbird
import MCNDReviewPage
import MCNDTestSupport
import Testing

/// docs/review-page.md against what the server really serves: every key in
/// its table is handled by the page's script, every JSON field it lists is in
/// the answers (and no other).
@Suite("Review page documentation") struct ReviewPageDocumentationTests {
    static let doc =
        (try? String(
            contentsOf: ReviewRoot.samples.deletingLastPathComponent().appendingPathComponent("docs/review-page.md"), encoding: .utf8))
        ?? ""

    /// The `Key` column of the keys table: `Enter`, `1` … `9`, `x` or `Delete`, … (arrows as the script names them).
    static var documentedKeys: [String] {
        let arrows = ["→": "ArrowRight", "←": "ArrowLeft"]
        var keys: [String] = []
        for line in doc.split(separator: "\n") where line.hasPrefix("| `") {
            let cell = line.split(separator: "|").first ?? ""
            for match in cell.matches(of: /`([^`]+)`/) { keys.append(arrows[String(match.1)] ?? String(match.1)) }
        }
        return keys
    }

    /// The field names listed in the docs' `items: [{…}]`, `groups`, `audit` and top-level list.
    static func documentedFields(after marker: String, until end: String) -> Set<String> {
        guard let start = doc.range(of: marker), let stop = doc.range(of: end, range: start.upperBound..<doc.endIndex) else { return [] }
        let text = doc[start.upperBound..<stop.lowerBound]
        return Set(text.matches(of: /[a-z_]+/).map { String($0.output) }.filter { $0.contains("_") || $0.count > 1 })
    }

    @Test func everyDocumentedKeyIsHandledByThePage() async throws {
        let keys = Self.documentedKeys
        try #require(keys.count >= 12, "the keys table was not found: \(keys)")
        let root = try ReviewRoot(copies: 1)
        let server = try root.server()
        let token = try ReviewAccessTests.token(root)
        try await server.withClient { client in
            let r = try await client.execute(uri: "/review.js", method: .get, headers: [.authorization: "Bearer " + token])
            let script = String(decoding: r.body.readableBytesView, as: UTF8.self)
            for key in keys where key != "9" && key != "1" {
                #expect(script.contains("key === \"\(key)\""), "the docs list the key \(key); the script does not handle it")
            }
            #expect(script.contains("/^[1-9]$/.test(key)"), "keys 1 to 9")

            let queue = try await client.execute(uri: "/api/queue", method: .get, headers: [.authorization: "Bearer " + token])
            let page = try #require(try JSONSerialization.jsonObject(with: Data(queue.body.readableBytesView)) as? [String: Any])
            let items = try #require(page["items"] as? [[String: Any]])
            let documented = Self.documentedFields(after: "`items`: `[{", until: "}]`")
            try #require(!documented.isEmpty, "the items' fields were not found in the docs")
            let served = items.reduce(into: Set<String>()) { $0.formUnion($1.keys) }
            #expect(served.isSubset(of: documented), "served but not documented: \(served.subtracting(documented))")
            #expect(
                documented.subtracting(served).isSubset(of: ["unfamiliar_reason"]),
                "documented, never served: \(documented.subtracting(served))")
            for key in page.keys { #expect(Self.doc.contains("`\(key)`"), "the queue's field \(key) is not in the docs") }
        }
    }
}
