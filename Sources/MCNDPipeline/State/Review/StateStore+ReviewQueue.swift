import GRDB

/// What the review page lists: the waiting items, the labels a person can
/// choose from, the serving model's version.
public struct ReviewQueueRows: Sendable {
    /// Waiting items, most doubtful (lowest confidence) first.
    public var items: [ReviewItem]
    /// Every label in the dataset, in index order.
    public var labels: [String]
    public var servingVersion: Int?
}

extension StateStore {
    /// One read of the review queue for the review page (read-only; the daemon may hold the write lock).
    public func reviewQueueRows() throws(PipelineError) -> ReviewQueueRows {
        try read { db in
            let labels = try String.fetchAll(db, sql: "SELECT name FROM labels ORDER BY idx")
            let version = try ServingRow.version(db)
            guard try db.tableExists("review") else { return ReviewQueueRows(items: [], labels: labels, servingVersion: version) }
            // Without `alternatives`: decoding them for 10,000 rows was most of the read; the page asks for its own.
            let sql = """
                SELECT id, sha256, path, file, folder, label, confidence, model_version, audit, unfamiliar, unfamiliar_reason, identity,
                    status FROM review WHERE status = 'waiting' ORDER BY confidence, id
                """
            let items = try Row.fetchAll(db, sql: sql).map(Self.reviewItem)
            return ReviewQueueRows(items: items, labels: labels, servingVersion: version)
        }
    }

    /// The next labels of the rows `ids` (rows queued before they were kept have none).
    public func reviewAlternatives(ids: [Int64]) throws(PipelineError) -> [Int64: [ReviewItem.Alternative]] {
        try read { db in
            var out: [Int64: [ReviewItem.Alternative]] = [:]
            guard try db.tableExists("review"), try db.columns(in: "review").contains(where: { $0.name == "alternatives" }) else {
                return out
            }
            for id in ids {
                let text = try String.fetchOne(db, sql: "SELECT alternatives FROM review WHERE id = ?", arguments: [id])
                out[id] = Self.decodeAlternatives(text)
            }
            return out
        }
    }

    /// The queue row `id`, whatever its status (nil: no such row).
    public func reviewQueueItem(id: Int64) throws(PipelineError) -> ReviewItem? {
        try read { db in
            guard try db.tableExists("review") else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM review WHERE id = ?", arguments: [id]).map(Self.reviewItem)
        }
    }
}
