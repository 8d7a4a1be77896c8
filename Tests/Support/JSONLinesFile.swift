/// One outbox file of a root, for the tests that watch it grow.
public struct JSONLinesFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// See `JSONLines.objects`.
    public func objects() throws -> [[String: Any]] { try JSONLines.objects(path) }

    /// See `JSONLines.completeObjects`.
    public func completeObjects() -> [[String: Any]] { JSONLines.completeObjects(path) }

    /// The lines of an events.jsonl whose `event` is `name`.
    public func events(_ name: String) -> [[String: Any]] {
        completeObjects().filter { $0["event"] as? String == name }
    }

    /// The `file` values of a predictions.jsonl.
    public var files: [String] { completeObjects().compactMap { $0["file"] as? String } }
}
