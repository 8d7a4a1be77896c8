import Foundation
import Glibc
import MCNDFileSystem

/// Why a due run has not started, as the daemon last decided it. The daemon
/// writes it to state/training-wait.json when the reason changes (a few times
/// per run, not per pass) and removes it when nothing waits and when it stops,
/// so that `mcnd status`, another process, can say it. A file, not a row: the
/// daemon must be able to say that the database is busy.
public struct TrainingWait: Sendable, Codable, Equatable {
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// The minimum interval since the last run (`train.min_interval_seconds`).
        case interval
        /// Examples are still arriving (`train.quiet_seconds`, bounded by `train.max_delay_seconds`).
        case quiet
        /// A run is in progress; examples that arrived since it started wait for the next.
        case training
        /// Another process holds the state database's write lock.
        case busyDatabase = "busy_database"
        /// Examples of fewer labels than `train.min_labels`.
        case tooFewLabels = "too_few_labels"

        /// What the run waits for, for `mcnd status`.
        public var explanation: String {
            switch self {
            case .interval: "the minimum interval since the last run (train.min_interval_seconds)"
            case .quiet:
                "a pause in the arrival of examples (train.quiet_seconds), at most train.max_delay_seconds after the first"
            case .training: "the run in progress to end"
            case .busyDatabase: "the state database (another process holds a write lock)"
            case .tooFewLabels: "examples of more labels (train.min_labels)"
            }
        }
    }

    public var reason: Reason
    /// When the run began to wait for this reason (RFC 3339, UTC).
    public var since: String
    /// The daemon that decided it: a file left by one that no longer runs (kill -9) is ignored.
    public var pid: Int32

    public init(reason: Reason, since: String = Timestamp.now(), pid: Int32 = getpid()) {
        self.reason = reason
        self.since = since
        self.pid = pid
    }

    /// Writes the record beneath the root (whole or not at all, a temporary file
    /// left by a full disk removed), or removes it (nil). The folder is not
    /// synced: the record says what a running daemon thinks and means nothing after a crash.
    public static func publish(_ wait: TrainingWait?, in root: Directory) throws(FileSystemError) {
        guard let wait else {
            try root.remove(RootLayout.Name.trainingWait)
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(wait) else { return }
        try root.writeFileAtomically(Array(data), to: RootLayout.Name.trainingWait, syncFolder: false)
    }

    /// The record of a daemon that still runs, if any.
    public static func current(in root: Directory) -> TrainingWait? {
        guard let bytes = try? root.readFile(RootLayout.Name.trainingWait, limit: 4096),
            let wait = try? JSONDecoder().decode(TrainingWait.self, from: Data(bytes))
        else { return nil }
        // EPERM: it runs as another user (systemd's mcnd), but it runs.
        guard kill(wait.pid, 0) == 0 || errno == EPERM else { return nil }
        return wait
    }
}
