import Foundation
import Hummingbird
import Logging
import MCNDFileSystem
import MCNDPipeline

/// The review page's HTTP server: the page, the queue as JSON, thumbnails,
/// the actions, /metrics. Items are named by their queue id only; nothing
/// outside the root is served.
public struct ReviewServer: Sendable {
    let root: Directory
    let layout: RootLayout
    let settings: ReviewPageSettings
    let token: ReviewToken
    let source: QueueSource
    let desk: ReviewDesk

    /// Reads (or makes) the root's token; the state is opened at the first request that needs it.
    public init(root: Directory, layout: RootLayout, settings: ReviewPageSettings) throws(ReviewPageError) {
        self.root = root
        self.layout = layout
        self.settings = settings
        token = try ReviewToken.loadOrCreate(root: root)
        source = QueueSource(root: root, layout: layout, busyTimeout: settings.busyTimeout)
        desk = ReviewDesk(root: root, source: source)
    }

    public var address: ListenAddress { settings.address }

    /// The server as a service; `running` is told the port it listens on (useful with port 0).
    public func application(logger: Logger, running: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router(), configuration: .init(address: .hostname(settings.address.host, port: settings.address.port), serverName: nil),
            onServerRunning: { [source] channel in
                // The queue read once at start, so a first open finds it ready (kept while it stays current).
                Task.detached { _ = try? source.queue() }
                await running(channel.localAddress?.port ?? settings.address.port)
            }, logger: logger)
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ReviewAccess(token: token, port: settings.address.port))
        router.get("/") { _, _ in Self.text(PageHTML.text, type: "text/html; charset=utf-8") }
        router.get("/review.js") { _, _ in Self.text(PageScript.text, type: "text/javascript; charset=utf-8") }
        router.get("/review.css") { _, _ in Self.text(PageStyle.text, type: "text/css; charset=utf-8") }
        router.get("/api/queue") { request, _ in try queue(request) }
        router.get("/api/items/{id}/image") { _, context in try image(context.parameters.get("id")) }
        router.post("/api/items/{id}/{action}") { request, context in
            try await act(request, id: context.parameters.get("id"), action: context.parameters.get("action"))
        }
        router.post("/api/actions/{number}/undo") { _, context in
            guard let number = context.parameters.get("number").flatMap(Self.number) else { return Self.notFound() }
            guard let outcome = try await desk.undo(Int(number)) else { return Self.notFound() }
            return try Self.json(ActionAnswer(outcome), status: outcome.status == .undone ? .ok : .conflict)
        }
        router.get("/metrics") { _, _ in try metrics() }
        return router
    }

    func queue(_ request: Request) throws -> Response {
        let q = request.uri.queryParameters
        let offset = max(0, q["offset"].flatMap { Int($0) } ?? 0)
        let limit = min(max(1, q["limit"].flatMap { Int($0) } ?? settings.pageSize), settings.maxPageSize)
        // Already percent-decoded by the router.
        let group = q["group"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let queue = try source.queue()
        let selected = QueuePage.selected(queue, group: group)
        // Only the page's rows are read in full (the next labels are JSON in the state).
        let rows = try source.items(ids: selected.dropFirst(offset).prefix(limit).map(\.id))
        return try Self.json(QueuePage(queue, group: group, offset: offset, limit: limit, count: selected.count, rows: rows))
    }

    func image(_ text: String?) throws -> Response {
        guard let id = text.flatMap(Self.number), let item = try source.item(id: id),
            item.path.starts(with: RootLayout.Folder.review.prefix),
            let bytes = try? root.readFile(RawPath(item.path), limit: settings.maxImageBytes)
        else { return Self.notFound() }
        // The same id is the same file until it moves; a person paging back and forth need not fetch it again.
        return Response(
            status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=600"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func act(_ request: Request, id text: String?, action: String?) async throws -> Response {
        guard let id = text.flatMap(Self.number) else { return Self.notFound() }
        let body = try await request.body.collect(upTo: settings.maxBodyBytes)
        let kind: ReviewDesk.Request
        switch action {
        case ReviewAction.Kind.confirm.rawValue: kind = .confirm
        case ReviewAction.Kind.dismiss.rawValue: kind = .dismiss
        case ReviewAction.Kind.correct.rawValue:
            guard let asked = try? JSONDecoder().decode(CorrectBody.self, from: Data(body.readableBytesView)) else {
                return Self.refused(.badRequest, "a correction's body is {\"label\": \"…\"}")
            }
            kind = .correct(asked.label)
        default: return Self.notFound()
        }
        guard let outcome = try await desk.act(kind, item: id) else { return Self.notFound() }
        let status: HTTPResponse.Status =
            switch outcome.status {
            case .moved, .undone: .ok
            case .alreadyMoved, .tooLate: .conflict
            case .badLabel: .unprocessableContent
            }
        return try Self.json(ActionAnswer(outcome), status: status)
    }

    func metrics() throws -> Response {
        guard let file = settings.metricsFile, let bytes = try? root.readFile(RawPath(file), limit: 16 << 20) else {
            return Self.refused(.notFound, "no metrics textfile beneath the root (metrics.textfile)")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    struct CorrectBody: Decodable { var label: String }

    /// What an action answers (`status`, and `action`, `location`, `reason` when known).
    struct ActionAnswer: Encodable {
        var status: ActionStatus
        var action: Int?
        var location: String?
        var reason: String?
        init(_ o: ReviewDesk.Outcome) {
            status = o.status
            action = o.action
            location = o.location
            reason = o.reason
        }
    }

    /// An id or action number: decimal digits only, positive. Anything else (a path, `..`) is no item.
    static func number(_ text: String) -> Int64? {
        guard !text.isEmpty, text.count <= 18, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let n = Int64(text), n > 0 else {
            return nil
        }
        return n
    }

    static func text(_ body: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    static func notFound() -> Response { refused(.notFound, "no such item") }

    static func refused(_ status: HTTPResponse.Status, _ message: String) -> Response {
        ReviewAccess<BasicRequestContext>.refused(status, message)
    }
}
