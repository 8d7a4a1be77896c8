import GRDB

/// How a training run starts: from scratch, or from the serving model.
public enum RunMode: String, Sendable, Codable, CustomStringConvertible, DatabaseValueConvertible {
    case full, incremental
    public var description: String { rawValue }
}
