import Foundation
import GRDB

/// An outbox line committed in the same transaction as the change it
/// announces (a promotion's `model_promoted`), with the offset it must land
/// at: written after the commit and then cleared, or by `PendingLines` at the
/// next start when a crash or power cut came in between — never lost, never twice.
public struct PendingLine: Sendable, Equatable {
    public var id: Int64?
    public var outbox: OutboxName
    public var offset: Int
    public var line: OutboxLine
    /// The promoted model whose `.npz` the line names (re-exported if the crash came first).
    public var modelVersion: Int?
}

extension StateStore {
    /// In the transaction of the change `line` announces.
    static func insertPendingLine(_ line: PendingLine, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO pending_lines (outbox, offset, line, model_version) VALUES (?, ?, ?, ?)",
            arguments: [line.outbox, line.offset, line.line, line.modelVersion])
    }

    public func pendingLines() throws(PipelineError) -> [PendingLine] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM pending_lines ORDER BY id").compactMap { row in
                guard let outbox = OutboxName.fromDatabaseValue(row["outbox"]), let line = OutboxLine.fromDatabaseValue(row["line"])
                else { return nil }
                return PendingLine(id: row["id"], outbox: outbox, offset: row["offset"], line: line, modelVersion: row["model_version"])
            }
        }
    }

    public func clearPendingLines(_ ids: [Int64]) throws(PipelineError) {
        guard !ids.isEmpty else { return }
        try write { db in
            try db.execute(literal: "DELETE FROM pending_lines WHERE id IN \(ids)")
        }
    }
}
