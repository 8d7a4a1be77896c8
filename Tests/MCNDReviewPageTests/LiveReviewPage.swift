import MCNDReviewPage
import MCNDTestSupport
import ServiceLifecycle

/// The page's server run for real, as `mcnd review` runs it: its application in
/// a ServiceGroup, listening on 127.0.0.1 at the kernel's port, stopped
/// gracefully after. The tests reach it over a loopback connection, so every
/// answer went through the same HTTP/1.1 server a browser talks to.
extension ReviewServer {
    /// Runs the server while `body` runs; `body` is told the port it listens on.
    func serving<Result>(_ body: (_ port: Int) async throws -> Result) async throws -> Result {
        let (ports, announce) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(
            configuration: .init(
                services: [application(logger: ReviewRoot.logger, running: { announce.yield($0) })], logger: ReviewRoot.logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                // A server that could not start ends the stream, so the wait below does not hang.
                defer { announce.finish() }
                try await group.run()
            }
            var announced = ports.makeAsyncIterator()
            guard let port = await announced.next() else {
                try await tasks.next()
                throw TestFailure("the review page stopped before it listened")
            }
            do {
                let result = try await body(port)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
        }
    }

    /// Runs the server while `body` runs with one client connected to it.
    func withClient<Result>(_ body: (LoopbackHTTPClient) async throws -> Result) async throws -> Result {
        try await serving { port in try await LoopbackHTTPClient.withConnection(port: port, body) }
    }
}
