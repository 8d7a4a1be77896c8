import Foundation
import Hummingbird
import MCNDFileSystem
import MCNDPipeline
import MCNDReviewPage
import MCNDTestSupport
import Testing

/// The page's gate, over real HTTP: the token, its cookie, the Origin of a
/// change, ids that are paths, the body cap.
@Suite("Review page access") struct ReviewAccessTests {
    static let cookie = "mcnd_review_0"

    static func token(_ root: ReviewRoot) throws -> String {
        try #require(try ReviewToken.load(root: try Directory.open(path: root.path))).value
    }

    static func queue(_ client: LoopbackHTTPClient, _ headers: HTTPFields) async throws -> [[String: Any]] {
        let r = try await client.execute(uri: "/api/queue?limit=500", method: .get, headers: headers)
        #expect(r.status == .ok)
        let page = try #require(try JSONSerialization.jsonObject(with: Data(r.body.readableBytesView)) as? [String: Any])
        return try #require(page["items"] as? [[String: Any]])
    }

    @Test func everyRequestNeedsTheTokenAndAFirstVisitSetsAStrictHttpOnlyCookie() async throws {
        let root = try ReviewRoot(copies: 1)
        let server = try root.server()
        let token = try Self.token(root)
        let mode = try #require(
            try FileManager.default.attributesOfItem(atPath: root.path + "/state/review-token")[.posixPermissions] as? Int)
        #expect(mode == 0o640, "state/review-token has mode \(String(mode, radix: 8))")
        try await server.withClient { client in
            for path in ["/", "/api/queue", "/review.js", "/metrics", "/api/items/1/image"] {
                let r = try await client.execute(uri: path, method: .get)
                #expect(r.status == .unauthorized, "\(path) without the token: \(r.status)")
            }
            let wrong = try await client.execute(uri: "/?token=" + String(repeating: "0", count: 64), method: .get)
            #expect(wrong.status == .unauthorized)
            let stale = try await client.execute(
                uri: "/api/queue", method: .get, headers: [.cookie: "\(Self.cookie)=\(token.dropLast())\(token.last == "0" ? "1" : "0")"])
            #expect(stale.status == .unauthorized)

            let first = try await client.execute(uri: "/?token=" + token, method: .get)
            #expect(first.status == .seeOther)
            #expect(first.headers[.location] == "/", "the token must leave the address: \(first.headers[.location] ?? "")")
            let setCookie = try #require(first.headers[.setCookie])
            #expect(setCookie.hasPrefix("\(Self.cookie)=\(token)"))
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), "\(setCookie)")

            let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: "\(Self.cookie)=\(token)"])
            #expect(page.status == .ok)
            #expect(String(decoding: page.body.readableBytesView, as: UTF8.self).contains("<script src=\"/review.js\">"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            let bearer = try await client.execute(uri: "/api/queue", method: .get, headers: [.authorization: "Bearer " + token])
            #expect(bearer.status == .ok)
        }
    }

    @Test func aChangeFromAnotherOriginIsRefusedAndMovesNothing() async throws {
        let root = try ReviewRoot(copies: 1)
        let server = try root.server()
        let cookie: HTTPFields = [.cookie: "\(Self.cookie)=\(try Self.token(root))"]
        try await server.withClient { client in
            let item = try #require(try await Self.queue(client, cookie).first)
            let id = try #require(item["id"] as? Int), label = try #require(item["label"] as? String)
            let before = root.files(under: "review")
            for origin in ["http://evil.example", "null", "http://localhost.evil.example", nil] {
                var headers = cookie
                if let origin { headers[.origin] = origin }
                let r = try await client.execute(uri: "/api/items/\(id)/confirm", method: .post, headers: headers)
                #expect(r.status == .forbidden, "Origin \(origin ?? "absent"): \(r.status)")
            }
            #expect(root.files(under: "review") == before, "a refused POST moved a file")
            var headers = cookie
            headers[.origin] = "http://localhost"
            let r = try await client.execute(uri: "/api/items/\(id)/confirm", method: .post, headers: headers)
            #expect(r.status == .ok)
            #expect(root.files(under: "inbox/" + label).contains("inbox/\(label)/" + (item["file"] as? String ?? "?")))
        }
    }

    @Test func idsThatArePathsOrUnknownAreNotFound() async throws {
        let root = try ReviewRoot(copies: 1)
        let server = try root.server()
        var fields: HTTPFields = [.cookie: "\(Self.cookie)=\(try Self.token(root))"]
        fields[.origin] = "http://localhost"
        let headers = fields
        try await server.withClient { client in
            let ids = [
                "..%2F..%2Fstate%2Fmcnd.sqlite", "review%2FCoat%2Fx.png", "%2Fetc%2Fpasswd", "0", "-1", "1e3", "99999999", "1.0",
                "0x10", "1%2F..%2F2",
            ]
            for id in ids {
                let image = try await client.execute(uri: "/api/items/\(id)/image", method: .get, headers: headers)
                #expect(image.status == .notFound, "image of \(id): \(image.status)")
                let post = try await client.execute(uri: "/api/items/\(id)/confirm", method: .post, headers: headers)
                #expect(post.status == .notFound, "confirm \(id): \(post.status)")
            }
            for uri in [
                "/api/items/review/Coat/x.png/image", "/api/items/1/../../state/mcnd.sqlite", "/state/mcnd.sqlite", "/api/actions/x/undo",
            ] {
                let r = try await client.execute(uri: uri, method: uri.hasSuffix("undo") ? .post : .get, headers: headers)
                #expect(r.status == .notFound, "\(uri): \(r.status)")
            }
            let item = try #require(try await Self.queue(client, headers).first?["id"] as? Int)
            let image = try await client.execute(uri: "/api/items/\(item)/image", method: .get, headers: headers)
            #expect(image.status == .ok && image.headers[.contentType] == "image/png")
            #expect(Array(image.body.readableBytesView.prefix(4)) == [0x89, 0x50, 0x4E, 0x47], "not the PNG's bytes")
            let big = ByteBuffer(string: "{\"label\": \"" + String(repeating: "a", count: 10_000) + "\"}")
            let r = try await client.execute(uri: "/api/items/\(item)/correct", method: .post, headers: headers, body: big)
            #expect(r.status == .contentTooLarge)
        }
    }
}
