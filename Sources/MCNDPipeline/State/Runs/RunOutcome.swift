import GRDB

/// How a run ended, as the runs table and the `run_finished` event say it.
public enum RunOutcome: String, Sendable, Codable, CustomStringConvertible, DatabaseValueConvertible {
    case promoted
    case keptServing = "kept_serving"
    case diverged
    /// mcnd was stopped during the run; it does not count as the last run.
    case interrupted
    /// The trainer threw; the reason is in the runs table.
    case failed
    public var description: String { rawValue }
}
