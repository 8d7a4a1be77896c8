import GRDB
import MCNDFileSystem

/// One input's outcome: decided by a stage (planned, no `id` yet), written to
/// the journal before anything visible happens, and read back after a crash
/// so the outcome is completed exactly once. One type for all three, a row of
/// the `journal` table; paths and identities stay typed and are converted
/// only at the database boundary (JournalRecord+Database.swift).
public struct JournalRecord: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "journal"

    /// What became of the input; the raw value is what the journal stores.
    public enum Outcome: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
        /// A new training example (the example row is in the same transaction).
        case example
        /// A labeled file whose content and label are already an example.
        case duplicate
        /// A prediction line.
        case predicted
        /// Unusable; moved to rejected/ with an event.
        case rejected
        /// Same content already an example under another label; moved to rejected/ with an event.
        case conflict
        /// A file in review/ a newer model is sure of: a rescored.jsonl line, moved to archive/predicted/.
        case rescored
    }

    /// Nil until the journal has the row.
    public var id: Int64?
    /// The input, relative to the root.
    public var source: RawPath
    public var sha256: String?
    public var outcome: Outcome
    /// The outbox file the line goes to, if any.
    public var outbox: OutboxName?
    /// Where the line must start in that file (set when the batch is journaled).
    public var offset: Int?
    public var line: OutboxLine?
    /// Where the input moves, relative to the root; nil = delete it.
    public var destination: RawPath?
    /// The file the outcome was decided on; another file at the same path is not moved.
    public var identity: FileIdentity?
    /// Since when the input waits to be moved (its folder is not writable by
    /// mcnd); its line is durable already. Nil for a batch in progress.
    public var waiting: String?
    /// The review queue's change that goes with it, in the same transaction (not a column).
    var review: ReviewChange?
    /// Why a `rejected` input was rejected, as its event line says (not a column: the counters take it when the batch is written).
    var rejection: RejectionReason?

    enum CodingKeys: String, CodingKey { case id, source, sha256, outcome, outbox, offset, line, destination, identity, waiting }

    public init(
        source: RawPath, sha256: String?, outcome: Outcome, outbox: OutboxName? = nil, offset: Int? = nil,
        line: OutboxLine? = nil, destination: RawPath?, identity: FileIdentity?
    ) {
        self.source = source
        self.sha256 = sha256
        self.outcome = outcome
        self.outbox = outbox
        self.offset = offset
        self.line = line
        self.destination = destination
        self.identity = identity
    }

    public static func == (a: JournalRecord, b: JournalRecord) -> Bool {
        a.id == b.id && a.source == b.source && a.sha256 == b.sha256 && a.outcome == b.outcome && a.outbox == b.outbox
            && a.offset == b.offset && a.line == b.line && a.destination == b.destination && a.identity == b.identity
            && a.waiting == b.waiting
    }
}
