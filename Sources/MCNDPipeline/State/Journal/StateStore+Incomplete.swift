import Foundation
import GRDB

/// A truncated file left in the inbox for its writer: its path (relative to
/// the root, as in the journal) and which file it was, so that a new file at
/// the same path counts as new.
struct IncompleteFile: Sendable, Equatable {
    var source: [UInt8]
    var device: UInt64
    var inode: UInt64
}

extension StateStore {
    /// The files recorded as incomplete.
    func incompleteFiles() throws(PipelineError) -> [IncompleteFile] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT source, device, inode FROM incomplete").map { row in
                IncompleteFile(
                    source: [UInt8](row["source"] as Data), device: UInt64(bitPattern: row["device"]),
                    inode: UInt64(bitPattern: row["inode"]))
            }
        }
    }

    /// Records `adding` (replacing a row for the same path) and forgets `removing`, in one transaction.
    func updateIncomplete(adding: [IncompleteFile], removing: [[UInt8]]) throws(PipelineError) {
        let now = Timestamp.now()
        try write { db in
            for source in removing { try db.execute(sql: "DELETE FROM incomplete WHERE source = ?", arguments: [Data(source)]) }
            for file in adding {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO incomplete (source, device, inode, first_seen) VALUES (?, ?, ?, ?)",
                    arguments: [Data(file.source), Int64(bitPattern: file.device), Int64(bitPattern: file.inode), now])
            }
        }
    }

    /// How many of `present` (a scan of the inbox) the last pass left as
    /// incomplete. Read-only: a database no writer has upgraded yet has no such table.
    public func incompleteCount(present: [InboxEntry]) throws(PipelineError) -> Int {
        let recorded: Set<[UInt8]> = try read { db in
            guard try db.tableExists("incomplete") else { return [] }
            return Set(try Data.fetchAll(db, sql: "SELECT source FROM incomplete").map { [UInt8]($0) })
        }
        guard !recorded.isEmpty else { return 0 }
        return present.filter { recorded.contains((RawPath("inbox") + $0.relative).bytes) }.count
    }
}
