import GRDB
import MCNDFileSystem

/// The check opening the state runs (docs/state.md, "Checks at open"). The
/// full `PRAGMA quick_check` reads every page, so its time grows with the
/// examples; the small one reads the file's header and the
/// tables that do not grow with the inputs, and runs only when nothing
/// suggests damage.
public enum StateCheck: Sendable, Equatable {
    /// The header against the file's size, then `PRAGMA quick_check` of each table but `growing`.
    case small
    case full(Reason)

    /// Why the open ran the full check.
    public enum Reason: String, Sendable {
        /// The last process that held the root did not record a clean stop: it
        /// was killed, lost power, saw a statement fail (a failed write, SQLite
        /// reporting damage), or it was a version without the record.
        case noCleanStop = "no clean stop recorded"
        /// Committed changes wait in state/mcnd.sqlite-wal (another process has the state open, or did not close it).
        case walNotEmpty = "the WAL holds changes"
        /// The first 100 bytes are not an SQLite header, or their page count does not match the file's size (truncated, overwritten).
        case header = "the header does not match the file"
        /// A new database (there is nothing to read).
        case created = "a new database"
    }

    /// The tables with a row per input (or per prediction reviewed): the small check leaves them out.
    static let growing: Set<String> = ["examples", "journal", "review"]

    /// What the file itself says, before SQLite opens it: nil when the
    /// header agrees with the file's size and the WAL is empty, so that the
    /// database file alone is the whole state.
    static func fileReason(_ root: Directory) throws(FileSystemError) -> Reason? {
        let name = RootLayout.Name.database
        if let wal = try root.status(RawPath(name.bytes + Array("-wal".utf8))), wal.size > 0 { return .walNotEmpty }
        let file = try root.openFile(name, .read)
        let size = try file.status().size
        return DatabaseHeader(try file.read(count: DatabaseHeader.length, at: 0))?.describes(size: size) == true ? nil : .header
    }

    /// Runs the check `reason` asks for (nil: the small one); `.corruptState` with SQLite's first finding when it fails.
    static func run(_ db: Database, full reason: Reason?, path: String) throws -> StateCheck {
        let check: StateCheck = reason.map { .full($0) } ?? .small
        var findings: [String] = []
        if case .full = check {
            findings = try String.fetchAll(db, sql: "PRAGMA quick_check")
        } else {
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'table'")
            for table in tables where !growing.contains(table) {
                let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                findings += try String.fetchAll(db, sql: "PRAGMA quick_check(\(quoted))")
            }
        }
        if let bad = findings.first(where: { $0 != "ok" }) ?? (findings.isEmpty ? "no answer" : nil) {
            throw PipelineError.corruptState(path: path, reason: bad)
        }
        return check
    }
}

/// The first 100 bytes of an SQLite database file (sqlite.org/fileformat.html, "The Database Header").
struct DatabaseHeader {
    static let length = 100
    static let magic = Array("SQLite format 3\0".utf8)
    let pageSize: Int
    /// Nil when the header's own count is not valid (a change counter that
    /// does not match the version-valid-for number): then only the file's size says.
    let pageCount: Int?

    init?(_ bytes: [UInt8]) {
        guard bytes.count == Self.length, Array(bytes[0..<16]) == Self.magic else { return nil }
        func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        let size = Int(bytes[16]) << 8 | Int(bytes[17])
        pageSize = size == 1 ? 65_536 : size
        guard pageSize >= 512, pageSize <= 65_536, pageSize & (pageSize - 1) == 0 else { return nil }
        let count = be32(28)
        pageCount = count > 0 && be32(24) == be32(92) ? count : nil
    }

    /// A checkpoint leaves the file exactly `pageCount` pages long; a file
    /// cut short (or grown) is damage the small check would not read.
    func describes(size: Int64) -> Bool {
        guard let pageCount else { return false }
        return Int64(pageCount) * Int64(pageSize) == size
    }
}
