import Foundation
import GRDB
import MCNDModel

/// The database's part of `mcnd check` (RootCheck).
extension StateStore {
    /// The most problems `PRAGMA integrity_check` is asked for (it stops there).
    static let reportedProblems = 10

    /// `PRAGMA integrity_check` rather than the open's `quick_check`: it also
    /// checks that every index holds exactly its table's rows — the sha256
    /// index is what ingest's duplicate check reads — at O(N log N) instead of
    /// O(N), which an on-demand check can afford. Then the rows' references
    /// and every stored model's CRCs, all in one read (GRDB's read is one
    /// transaction): one snapshot, while the daemon commits beside it.
    func checkContents(into check: inout RootCheck) throws(PipelineError) {
        let path = self.path
        let found = try read { db in
            var found = RootCheck()
            // A row may hold several lines, under a "*** in database main ***" heading: one finding per line.
            let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check(\(Self.reportedProblems))")
                .flatMap { $0.split(separator: "\n").map(String.init) }.filter { !$0.hasPrefix("*** in database") }
            guard problems == ["ok"] else {
                // Nothing more is read from a damaged file.
                let named = problems.isEmpty ? ["no answer"] : Array(problems.prefix(Self.reportedProblems))
                found.findings.append(.database(path: path, problems: named))
                return found
            }
            var dangling: [String: [String: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
                dangling[row["table"], default: [:]][row["parent"], default: 0] += 1
            }
            for (table, parents) in dangling.sorted(by: { $0.key < $1.key }) {
                for (parent, count) in parents.sorted(by: { $0.key < $1.key }) {
                    found.findings.append(.dangling(path: path, table: table, parent: parent, count: count))
                }
            }
            found.examples = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM examples") ?? 0
            found.servingVersion = try ServingRow.version(db)
            for version in try Int.fetchAll(db, sql: "SELECT version FROM models ORDER BY version") {
                found.storedModels += 1
                // One model's bytes at a time (about 0.5 MB each).
                let bytes = try Data.fetchOne(db, sql: "SELECT file FROM models WHERE version = ?", arguments: [version])
                do { _ = try ModelFile(decoding: [UInt8](bytes ?? Data())) } catch {
                    found.findings.append(.storedModel(version: version, serving: version == found.servingVersion, reason: "\(error)"))
                }
            }
            return found
        }
        check.findings += found.findings
        check.examples = found.examples
        check.storedModels = found.storedModels
        check.servingVersion = found.servingVersion
    }
}
