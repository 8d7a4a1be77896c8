import Foundation
import GRDB
import MCNDModel

/// What `mcnd status` (and a report) shows of the review loop.
public struct ReviewStatus: Sendable, Codable, Equatable {
    /// Files waiting in review/, by folder (predicted label, or `_unfamiliar`).
    public var queue: [String: Int]
    /// Items by status (ReviewItem.Status), all time.
    public var outcomes: [String: Int]
    /// Accuracy of auto-accepted answers, estimated from the audits a person
    /// confirmed or corrected; nil before the first.
    public var auditAccuracy: Double?
    public var auditSamples: Int
    /// The 95 % Wilson interval of `auditAccuracy` (as in the report).
    public var auditLow: Double?
    public var auditHigh: Double?
    /// Unfamiliar files waiting in review/_unfamiliar/, by `UnfamiliarReason` (reasons with none left out).
    public var unfamiliarReasons: [String: Int] = [:]
    /// The serving model's calibration: temperature, ECE, per-label thresholds (nil = reviews every prediction).
    public var temperature: Double?
    public var eceBefore: Double?
    public var eceAfter: Double?
    public var targetPrecision: Double?
    public var thresholds: [String: Double?]?

    public init(queue: [String: Int], outcomes: [String: Int], auditAccuracy: Double?, auditSamples: Int) {
        self.queue = queue
        self.outcomes = outcomes
        self.auditAccuracy = auditAccuracy
        self.auditSamples = auditSamples
    }
}

extension StateStore {
    public func reviewStatus() throws(PipelineError) -> ReviewStatus {
        try reviewStatus(serving: try servingModel())
    }

    /// The same with the serving model already at hand: decoding it again from
    /// the state is most of the cost (a pass asks this after every pass, for the metrics).
    public func reviewStatus(serving model: ModelFile?) throws(PipelineError) -> ReviewStatus {
        var status = try read { db -> ReviewStatus in
            var queue: [String: Int] = [:], outcomes: [String: Int] = [:]
            var accuracy: Double?, samples = 0, reasons: [String: Int] = [:]
            // `mcnd status` reads without migrating: a database from before the review table has none.
            if try db.tableExists("review") {
                for row in try Row.fetchAll(db, sql: "SELECT folder, COUNT(*) AS n FROM review WHERE status = 'waiting' GROUP BY folder") {
                    queue[row["folder"]] = row["n"]
                }
                for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM review GROUP BY status") {
                    outcomes[row["status"]] = row["n"]
                }
                let audits = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) AS n, COALESCE(SUM(status = 'confirmed'), 0) AS right FROM review
                        WHERE audit = 1 AND status IN ('confirmed', 'corrected')
                        """)
                samples = audits?["n"] ?? 0
                if samples > 0 { accuracy = Double(audits?["right"] ?? 0) / Double(samples) }
                // Rows from before reasons were recorded (or a database not migrated yet): only the content checks existed.
                let column = try db.columns(in: "review").contains { $0.name == "unfamiliar_reason" } ? "unfamiliar_reason" : "NULL"
                let sql = """
                    SELECT COALESCE(\(column), '\(UnfamiliarReason.content.rawValue)') AS reason, COUNT(*) AS n FROM review
                    WHERE status = 'waiting' AND unfamiliar = 1 GROUP BY 1
                    """
                for row in try Row.fetchAll(db, sql: sql) { reasons[row["reason"]] = row["n"] }
            }
            var status = ReviewStatus(queue: queue, outcomes: outcomes, auditAccuracy: accuracy, auditSamples: samples)
            status.unfamiliarReasons = reasons
            if let accuracy {
                let interval = Self.wilson(accuracy, samples)
                (status.auditLow, status.auditHigh) = (interval.low, interval.high)
            }
            return status
        }
        if let model, let r = model.review {
            status.temperature = r.temperature
            status.eceBefore = r.eceBefore
            status.eceAfter = r.eceAfter
            status.targetPrecision = r.targetPrecision
            if let t = r.thresholds {
                status.thresholds = Dictionary(uniqueKeysWithValues: zip(model.labels, t.thresholds))
            }
        }
        return status
    }
}
