/// What `mcnd check` found wrong with a root, each case with what to do about it.
public enum RootCheckFinding: Sendable, Equatable, CustomStringConvertible {
    /// SQLite's `PRAGMA integrity_check` (or the open) reported damage: the
    /// state cannot be trusted; `mcnd rebuild` recreates it from archive/labeled/.
    case database(path: String, problems: [String])
    /// A row points at a row that is not there (`PRAGMA foreign_key_check`):
    /// as above, the database was changed behind mcnd's back or damaged.
    case dangling(path: String, table: String, parent: String, count: Int)
    /// Model `version`'s bytes in the state fail their CRC or do not decode.
    /// When it serves, serve another (`mcnd models pin N`) or rebuild, which
    /// re-imports the newest exported model file.
    case storedModel(version: Int, serving: Bool, reason: String)
    /// A model file under state/models/ (a copy for numpy; the state holds the
    /// model) fails its CRC or does not decode: write it again from the state.
    case modelFile(path: String, version: Int, reason: String)
    /// The serving model has no file under state/models/: write it again from the state.
    case servingModelFileMissing(path: String, version: Int)

    public var description: String {
        switch self {
        case .database(let path, let problems):
            return PipelineError.corruptState(path: path, reason: problems.joined(separator: "; ")).description
        case .dangling(let path, let table, let parent, let count):
            return PipelineError.corruptState(
                path: path, reason: "\(count) rows of \(table) point at rows of \(parent) that are not there"
            ).description
        case .storedModel(let version, let serving, let reason):
            let todo =
                serving
                ? "it serves: `mcnd models pin N` serves another, or `mcnd rebuild` re-imports the newest file in state/models/"
                : "it does not serve: only `mcnd models pin \(version)` or a rollback to it would fail"
            return "model \(version) in the state database cannot be read (\(reason)); \(todo)"
        case .modelFile(let path, let version, let reason):
            return "\(path) is damaged (\(reason)); the state holds the model: "
                + "`mcnd models export \(version) --format npz --out \(path)` writes it again"
        case .servingModelFileMissing(let path, let version):
            return "\(path) is missing: the serving model \(version) has no file for numpy or `mcnd rebuild`; "
                + "`mcnd models export \(version) --format npz --out \(path)` writes it again from the state"
        }
    }
}
