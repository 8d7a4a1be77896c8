import Foundation
import GRDB

/// The journal rows of inputs that wait to be moved (`WaitingMoves`).
extension StateStore {
    /// Marks rows as waiting (from now, unless already) with the identity their file has now.
    func markWaiting(_ entries: [JournalRecord]) throws(PipelineError) {
        let ids = entries.compactMap { entry in entry.id.map { (id: $0, identity: entry.identity) } }
        guard !ids.isEmpty else { return }
        let now = Timestamp.now()
        try write { db in
            let update = try db.cachedStatement(sql: "UPDATE journal SET waiting = COALESCE(waiting, ?), identity = ? WHERE id = ?")
            for row in ids { try update.execute(arguments: [now, row.identity, row.id]) }
        }
    }

    /// Of `sources`, those that have a journal row already (one row per input).
    func journaled(_ sources: [RawPath]) throws(PipelineError) -> Set<RawPath> {
        guard !sources.isEmpty else { return [] }
        return try readOnWriter { db in
            var out: Set<RawPath> = []
            for part in Self.parts(sources) {
                out.formUnion(try RawPath.fetchAll(db, SQLRequest<RawPath>(literal: "SELECT source FROM journal WHERE source IN \(part)")))
            }
            return out
        }
    }

    /// Inputs waiting to be moved, per folder (relative to the root), for `mcnd status`.
    public func waitingToMove() throws(PipelineError) -> [String: Int] {
        try read { db in
            var out: [String: Int] = [:]
            for data in try Data.fetchAll(db, sql: "SELECT source FROM journal WHERE waiting IS NOT NULL") {
                out[RawPath([UInt8](data)).parent.display, default: 0] += 1
            }
            return out
        }
    }

    /// The sources (relative to the root) of the inputs waiting to be moved.
    public func waitingSources() throws(PipelineError) -> Set<[UInt8]> {
        try read { db in Set(try Data.fetchAll(db, sql: "SELECT source FROM journal WHERE waiting IS NOT NULL").map { [UInt8]($0) }) }
    }
}
