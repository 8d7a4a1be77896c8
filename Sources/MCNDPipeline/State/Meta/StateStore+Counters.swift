import Foundation
import GRDB

/// Monotonic counts of outcomes (the Prometheus counters), kept in the state so
/// they survive restarts and `--once` passes. They are added in the same
/// transaction as the journal entries, so a crash never counts an input twice
/// or not at all.
public enum OutcomeCounter {
    public static let predictions = "predictions"
    public static let examples = "examples"
    public static let duplicates = "duplicates"
    public static let conflicts = "conflicts"
    /// Review files a newer model was sure of (moved on to archive/predicted/).
    public static let rescored = "rescored"
    /// `rejected:<reason>`, one per reason code.
    public static let rejectedPrefix = "rejected:"

    static func name(of entry: JournalRecord) -> String {
        switch entry.outcome {
        case .predicted: return predictions
        case .example: return examples
        case .duplicate: return duplicates
        case .conflict: return conflicts
        case .rescored: return rescored
        case .rejected: return rejectedPrefix + (entry.rejection?.rawValue ?? "unknown")
        }
    }

    /// Adds the batch's outcomes to the counters table (inside the caller's transaction).
    static func add(_ journal: [JournalRecord], in db: Database) throws {
        var counts: [String: Int] = [:]
        for entry in journal { counts[name(of: entry), default: 0] += 1 }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value
                """)
        for (name, n) in counts { try statement.execute(arguments: [name, n]) }
    }
}

extension StateStore {
    /// Every counter by name (`predictions`, `rejected:not_png`, …).
    public func counters() throws(PipelineError) -> [String: Int] {
        try read { db in
            var out: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, value FROM counters") { out[row["name"]] = row["value"] }
            return out
        }
    }

    /// Rejections (and conflicts) by reason code.
    public func rejectionsByReason() throws(PipelineError) -> [String: Int] {
        var out: [String: Int] = [:]
        for (name, value) in try counters() {
            if name.hasPrefix(OutcomeCounter.rejectedPrefix) { out[String(name.dropFirst(OutcomeCounter.rejectedPrefix.count))] = value }
            if name == OutcomeCounter.conflicts { out["conflict"] = value }
        }
        return out
    }
}
