import GRDB

/// The pin of `mcnd models pin|unpin|rollback` (what `mcnd status` says about
/// pinning), and how the state holds it (table `model_pin`, migration `model-lifecycle`).
public struct ModelPin: Sendable, Codable, Equatable {
    public var version: Int
    public var since: String
}

extension ModelPin {
    static func pinnedVersion(_ db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT version FROM model_pin WHERE id = 1")
    }

    static func pinnedReason(_ version: Int) -> String {
        "model \(version) is pinned; `mcnd models unpin` lets new models serve again"
    }
}
