import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 client on one keep-alive connection to a server on 127.0.0.1:
/// requests one after another, each answer read in full. Small on purpose: a
/// full client (TLS, HTTP/2, pools) would bring its own libraries into the
/// test build for a server that only ever listens on loopback in plain HTTP.
public final class LoopbackHTTPClient {
    /// An answer: status, header fields and the whole body.
    public struct Response: Sendable {
        public let status: HTTPResponse.Status
        public let headers: HTTPFields
        public let body: ByteBuffer
    }

    /// The `Host` every request names: a server that checks `Origin` against it sees this name.
    public let authority: String
    /// How long one answer may take before the connection is closed and the request fails.
    public let timeout: Duration
    private let channel: any Channel
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator

    private init(
        channel: any Channel, inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>,
        outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>, authority: String, timeout: Duration
    ) {
        self.channel = channel
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
        self.authority = authority
        self.timeout = timeout
    }

    /// Connects to 127.0.0.1:`port`, runs `body` with the client, then closes the connection.
    public static func withConnection<Result>(
        port: Int, authority: String = "localhost", timeout: Duration = .seconds(20),
        _ body: (LoopbackHTTPClient) async throws -> Result
    ) async throws -> Result {
        let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await connection.executeThenClose { inbound, outbound in
            let client = LoopbackHTTPClient(
                channel: connection.channel, inbound: inbound, outbound: outbound, authority: authority, timeout: timeout)
            return try await body(client)
        }
    }

    /// Sends one request and reads its whole answer. A body, or a method that may carry one,
    /// is sent with its Content-Length (never chunked, as a browser's fetch sends it).
    public func execute(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil
    ) async throws -> Response {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method.rawValue), uri: uri)
        head.headers.add(name: "Host", value: authority)
        for field in headers { head.headers.add(name: field.name.rawName, value: field.value) }
        if body != nil || (method != .get && method != .head) {
            head.headers.replaceOrAdd(name: "Content-Length", value: String(body?.readableBytes ?? 0))
        }
        try await outbound.write(.head(head))
        if let body, body.readableBytes > 0 { try await outbound.write(.body(.byteBuffer(body))) }
        try await outbound.write(.end(nil))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            // A server that never answers fails the request instead of hanging the test run.
            group.addTask { [channel, timeout] in
                try await Task.sleep(for: timeout)
                channel.close(promise: nil)
            }
            defer { group.cancelAll() }
            return try await readResponse(uri: uri)
        }
    }

    private func readResponse(uri: String) async throws -> Response {
        var status: HTTPResponse.Status?
        var fields = HTTPFields()
        var body = ByteBuffer()
        while let part = try await inbound.next() {
            switch part {
            case .head(let head):
                status = HTTPResponse.Status(code: Int(head.status.code), reasonPhrase: head.status.reasonPhrase)
                for (name, value) in head.headers {
                    guard let name = HTTPField.Name(name) else { throw TestFailure("\(uri): a header named \(name)") }
                    fields.append(HTTPField(name: name, value: value))
                }
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let status else { throw TestFailure("\(uri): an answer ended before its head") }
                return Response(status: status, headers: fields, body: body)
            }
        }
        throw TestFailure("\(uri): the connection closed before a whole answer (\(timeout) passed, or the server closed it)")
    }
}
