import Glibc

/// The folders of a root, as DESIGN.md lays them out.
public struct RootLayout: Sendable, Equatable {
    public let root: String

    public init(root: String) {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        self.root = r
    }

    public var inbox: String { root + "/inbox" }
    public var outbox: String { root + "/outbox" }
    public var archive: String { root + "/archive" }
    public var rejected: String { root + "/rejected" }
    public var state: String { root + "/state" }
    public var database: String { state + "/mcnd.sqlite" }
    public var models: String { state + "/models" }
    public var lock: String { state + "/lock" }
    public var predictions: String { outbox + "/predictions.jsonl" }
    public var losses: String { outbox + "/losses.jsonl" }
    public var events: String { outbox + "/events.jsonl" }
    public var lossChart: String { outbox + "/losses.svg" }
    public var defaultConfiguration: String { root + "/mcnd.yaml" }

    /// Creates every folder that is missing (0755), each durably (its parent
    /// fsynced), or a power cut could take it with the files moved into it.
    public func create() throws(PipelineError) {
        for dir in [root, inbox, outbox, archive, rejected, state, models] {
            if mkdir(dir, 0o755) == 0 {
                try RawPath(dir).parent.syncDirectory()
            } else if errno != EEXIST {
                throw .io(path: dir, operation: "mkdir", errno: errno)
            }
        }
    }

    /// Path of `absolute` relative to the root, for messages and events.
    public func relative(_ absolute: String) -> String {
        absolute.hasPrefix(root + "/") ? String(absolute.dropFirst(root.count + 1)) : absolute
    }
}
