import GRDB

/// One run of a cached statement with its values bound one at a time through
/// GRDB's `StatementBinding`, for the statements run once per input (journal
/// and review rows): `execute(arguments:)` builds a `StatementArguments`
/// array for every row, each value boxed as a `DatabaseValue`, which cost
/// about as much as SQLite's own work for the row.
struct RowBinding {
    private let statement: Statement
    private let parameterCount: CInt
    private var index: CInt = 0

    /// Resets `statement` and clears its bindings. It must come from
    /// `cachedStatement`: GRDB drops a statement whose step failed from the
    /// cache, so the reset here never reports an earlier failure.
    init(_ statement: Statement, parameters: Int) {
        // No arguments as far as GRDB knows, and marked bound: `execute()`
        // then only resets and steps, keeping the values bound below.
        statement.setUncheckedArguments(StatementArguments())
        self.statement = statement
        parameterCount = CInt(parameters)
    }

    /// Binds the next `?` (nil binds NULL).
    mutating func bind(_ value: (some StatementBinding)?) throws {
        index += 1
        let sqlite = statement.sqliteStatement
        let code = value?.bind(to: sqlite, at: index) ?? DatabaseValue.null.bind(to: sqlite, at: index)
        guard code == ResultCode.SQLITE_OK.rawValue else { throw DatabaseError(resultCode: ResultCode(rawValue: code), sql: statement.sql) }
    }

    /// Runs the statement with the values bound; a `?` left unbound would be NULL.
    func execute() throws {
        assert(index == parameterCount, "\(index) values bound for \(parameterCount) parameters: \(statement.sql)")
        try statement.execute()
    }
}
