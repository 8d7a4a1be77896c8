import Foundation
import GRDB

/// What the review page lists: the waiting rows in order (only what paging
/// and counting need), the labels a person can choose from, the serving
/// model's version. The page reads the rows it shows in full by id.
public struct ReviewQueueRows: Sendable {
    /// Waiting rows, most doubtful (lowest confidence) first.
    public var keys: [Key]
    /// Every label in the dataset, in index order.
    public var labels: [String]
    public var servingVersion: Int?

    public struct Key: Sendable {
        public var id: Int64
        /// `review/<folder>/<name>`, as the row records it.
        public var path: [UInt8]
        public var folder: String
    }
}

extension StateStore {
    /// One read of the review queue for the review page (read-only; the daemon may hold the write lock).
    public func reviewQueueRows() throws(PipelineError) -> ReviewQueueRows {
        try read { db in
            let labels = try String.fetchAll(db, sql: "SELECT name FROM labels ORDER BY idx")
            let version = try ServingRow.version(db)
            guard try db.tableExists("review") else { return ReviewQueueRows(keys: [], labels: labels, servingVersion: version) }
            // Three columns, read by position: every column of 10,000 rows decoded by name was most of a first open.
            var keys: [ReviewQueueRows.Key] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT id, path, folder FROM review WHERE status = 'waiting' ORDER BY confidence, id")
            while let row = try rows.next() {
                keys.append(ReviewQueueRows.Key(id: row[0], path: [UInt8](row[1] as Data), folder: row[2]))
            }
            return ReviewQueueRows(keys: keys, labels: labels, servingVersion: version)
        }
    }

    /// The rows `ids` in full (the next labels too), whatever their status, in the order asked; unknown ids left out.
    public func reviewQueueItems(ids: [Int64]) throws(PipelineError) -> [ReviewItem] {
        try read { db in
            guard !ids.isEmpty, try db.tableExists("review") else { return [] }
            var found: [Int64: ReviewItem] = [:]
            for part in Self.parts(ids) {
                let sql: SQL = "SELECT * FROM review WHERE id IN \(part)"
                for item in try Row.fetchAll(db, SQLRequest<Row>(literal: sql)).map(Self.reviewItem) {
                    if let id = item.id { found[id] = item }
                }
            }
            return ids.compactMap { found[$0] }
        }
    }

    /// SQLite's `PRAGMA data_version` on the reading connection: it changes whenever another
    /// connection (the daemon, a `--once`) has committed since, and only then.
    public func dataVersion() throws(PipelineError) -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }

    /// The queue row `id`, whatever its status (nil: no such row).
    public func reviewQueueItem(id: Int64) throws(PipelineError) -> ReviewItem? {
        try read { db in
            guard try db.tableExists("review") else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM review WHERE id = ?", arguments: [id]).map(Self.reviewItem)
        }
    }
}
