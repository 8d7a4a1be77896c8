import Foundation
import GRDB

/// The review queue: every prediction routed to review/ and what became of it.
extension StateStore {
    /// Applies `changes` inside the caller's transaction.
    static func apply(_ changes: [ReviewChange], _ db: Database, now: String) throws {
        for change in changes {
            switch change {
            case .queued(let item):
                // Cached: a prediction batch queues hundreds, and compiling the statement each time cost more than running it.
                var row = RowBinding(
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO review (sha256, path, file, folder, label, confidence, model_version, audit, unfamiliar, identity, status, queued,
                                unfamiliar_reason, alternatives)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """), parameters: 14)
                try row.bind(item.sha256)
                try row.bind(Data(item.path))
                try row.bind(item.file)
                try row.bind(item.folder)
                try row.bind(item.label)
                try row.bind(item.confidence)
                try row.bind(item.modelVersion)
                try row.bind(item.audit)
                try row.bind(item.unfamiliar)
                try row.bind(item.identity)
                try row.bind(item.status.rawValue)
                try row.bind(now)
                try row.bind(item.unfamiliarReason?.rawValue)
                try row.bind(ReviewAlternativesColumn.encode(item.alternatives))
                try row.execute()
            case .resolved(let id, let status, let label):
                try db.cachedStatement(sql: "UPDATE review SET status = ?, resolved = ?, resolved_label = ? WHERE id = ?").execute(
                    arguments: [status.rawValue, now, label, id])
            case .rescored(let id, let label, _, let version):
                try db.cachedStatement(
                    sql: "UPDATE review SET status = ?, resolved = ?, resolved_label = ?, rescored_model_version = ? WHERE id = ?"
                ).execute(arguments: [ReviewItem.Status.rescored.rawValue, now, label, version, id])
            }
        }
    }

    static func reviewItem(_ row: Row) -> ReviewItem {
        ReviewItem(
            id: row["id"], sha256: row["sha256"], path: [UInt8](row["path"] as Data), file: row["file"], folder: row["folder"],
            label: row["label"], confidence: row["confidence"], modelVersion: row["model_version"],
            audit: row["audit"], unfamiliar: row["unfamiliar"],
            unfamiliarReason: (row["unfamiliar_reason"] as String?).flatMap(UnfamiliarReason.init(rawValue:)), identity: row["identity"],
            status: ReviewItem.Status(rawValue: row["status"]) ?? .waiting,
            alternatives: ReviewAlternativesColumn.decode(row["alternatives"]))
    }

    /// The waiting items with any of these contents, by content, oldest first:
    /// one read for an ingest batch rather than one per file.
    func waitingReviews(sha256: some Sequence<String>) throws(PipelineError) -> [String: [ReviewItem]] {
        try readOnWriter { db in
            var found: [String: [ReviewItem]] = [:]
            for part in Self.parts(Array(Set(sha256))) {
                let sql: SQL = "SELECT * FROM review WHERE status = 'waiting' AND sha256 IN \(part) ORDER BY id"
                for item in try Row.fetchAll(db, SQLRequest<Row>(literal: sql)).map(Self.reviewItem) {
                    found[item.sha256, default: []].append(item)
                }
            }
            return found
        }
    }

    /// Waiting items last scored by a model older than `version` (audits stay for the person).
    func reviewToRescore(olderThan version: Int) throws(PipelineError) -> [ReviewItem] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM review WHERE status = 'waiting' AND audit = 0 AND model_version < ? ORDER BY id",
                arguments: [version]
            ).map(Self.reviewItem)
        }
    }

    /// Outside the journal: changes that move no file (still doubtful under a newer model, gone, touched).
    func updateReview(_ id: Int64, status: ReviewItem.Status? = nil, modelVersion: Int? = nil) throws(PipelineError) {
        try write { db in
            if let status {
                try db.execute(
                    sql: "UPDATE review SET status = ?, resolved = ? WHERE id = ?", arguments: [status.rawValue, Timestamp.now(), id])
            }
            if let modelVersion {
                try db.execute(sql: "UPDATE review SET model_version = ? WHERE id = ?", arguments: [modelVersion, id])
            }
        }
    }
}
