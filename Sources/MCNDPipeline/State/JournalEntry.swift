/// An input's decided outcome, written to the journal before anything visible
/// happens, so that after a crash the outcome is completed exactly once.
public struct JournalEntry: Sendable, Equatable {
    public enum Outcome: String, Sendable {
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

    public var id: Int64?
    /// The input, relative to the root (raw bytes: names need not be UTF-8).
    public var source: [UInt8]
    public var sha256: String?
    public var outcome: Outcome
    /// Outbox file name the line goes to (`predictions.jsonl`, `events.jsonl`) or nil.
    public var outbox: String?
    /// Where the line must start in that file.
    public var offset: Int?
    public var line: [UInt8]?
    /// Where the input moves, relative to the root; nil = delete it.
    public var destination: [UInt8]?
    /// The file the outcome was decided on (`FileIdentity.text`); another file
    /// at the same path is not moved.
    public var identity: String?
    /// Since when the input waits to be moved (its folder is not writable by
    /// mcnd); its line is durable already. Nil for a batch in progress.
    public var waiting: String?

    public init(source: [UInt8], sha256: String?, outcome: Outcome, outbox: String? = nil, offset: Int? = nil,
                line: [UInt8]? = nil, destination: [UInt8]?, identity: String?) {
        self.source = source; self.sha256 = sha256; self.outcome = outcome; self.outbox = outbox
        self.offset = offset; self.line = line; self.destination = destination; self.identity = identity
    }
}

/// A labeled image ready to become a training example.
public struct NewExample: Sendable {
    public var sha256: String
    public var label: String
    public var pixels: [UInt8]
    public var width: Int
    public var height: Int
    public var channels: Int
    public var originalName: String
}
