import GRDB

/// Reading the pin of `mcnd models pin|unpin|rollback` (its tables: StateSchema, migration `model-lifecycle`).
enum ModelLifecycleSchema {
    static func pinnedVersion(_ db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT version FROM model_pin WHERE id = 1")
    }

    static func pinnedReason(_ version: Int) -> String {
        "model \(version) is pinned; `mcnd models unpin` lets new models serve again"
    }
}
