import Foundation
import GRDB

/// The one definition, in SQL, of the model that answers predictions: the
/// newest version marked `serving`. A promotion or a pin clears the mark
/// before it sets it, in one transaction, so there is at most one.
enum ServingRow {
    static let condition = "serving = 1"

    static func version(_ db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT version FROM models WHERE \(condition) ORDER BY version DESC LIMIT 1")
    }

    /// The model file's bytes.
    static func file(_ db: Database) throws -> Data? {
        try Data.fetchOne(db, sql: "SELECT file FROM models WHERE \(condition) ORDER BY version DESC LIMIT 1")
    }

    /// `columns` of the serving row.
    static func row(_ db: Database, columns: String) throws -> Row? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM models WHERE \(condition) ORDER BY version DESC LIMIT 1")
    }

    /// Unmarks the serving version, before another is marked.
    static func clear(_ db: Database) throws {
        try db.execute(sql: "UPDATE models SET serving = 0 WHERE \(condition)")
    }

    static func mark(_ db: Database, version: Int) throws {
        try db.execute(sql: "UPDATE models SET serving = 1 WHERE version = ?", arguments: [version])
    }
}
