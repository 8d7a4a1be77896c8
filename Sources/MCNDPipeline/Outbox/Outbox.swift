import Logging
import MCNDFileSystem

/// The outbox's four JSON-lines files and the lines not tied to an input
/// (run, model and notice events). Shared by the pass and the daemon's
/// training thread: each file serializes its own appends.
public final class Outbox: Sendable {
    public let predictions: OutboxFile
    public let losses: OutboxFile
    public let events: OutboxFile
    /// Review files a newer model was sure of (RescoreStage).
    public let rescored: OutboxFile
    private let logger: Logger

    /// Opens (creating) the four files beneath `root`.
    public init(root: Directory, logger: Logger) throws(PipelineError) {
        predictions = try OutboxFile(root: root, name: OutboxName.predictions.path)
        losses = try OutboxFile(root: root, name: OutboxName.losses.path)
        events = try OutboxFile(root: root, name: OutboxName.events.path)
        rescored = try OutboxFile(root: root, name: OutboxName.rescored.path)
        self.logger = logger
    }

    public func file(_ name: OutboxName) -> OutboxFile {
        switch name {
        case .predictions: predictions
        case .losses: losses
        case .events: events
        case .rescored: rescored
        }
    }

    /// Opens every file anew (after logrotate moved them).
    public func reopen() throws(PipelineError) {
        for name in OutboxName.allCases { try file(name).reopen() }
    }

    /// The files the journal writes input lines to (losses.jsonl is the trainer's alone).
    static let journaled: [OutboxName] = [.events, .predictions, .rescored]

    /// Runs `body` holding the journaled files' append locks (always in this
    /// order, so two holders never deadlock): the journal picks each line's
    /// offset and writes the line before anyone else appends.
    func whileAppending<T>(_ body: () throws(PipelineError) -> T) throws(PipelineError) -> T {
        try Self.holding(Self.journaled.map(file)[...], body)
    }

    private static func holding<T>(_ files: ArraySlice<OutboxFile>, _ body: () throws(PipelineError) -> T) throws(PipelineError) -> T {
        guard let first = files.first else { return try body() }
        return try first.whileAppending { () throws(PipelineError) in try holding(files.dropFirst(), body) }
    }

    /// The start of an event line: `event`, then `time`.
    public static func eventLine(_ kind: String) -> JSONLine {
        var line = JSONLine()
        line.add("event", kind)
        line.add("time", Timestamp.now())
        return line
    }

    /// Appends and syncs an event line; a failure is logged, never thrown:
    /// a notice must not stop the work it reports on.
    public func emit(_ kind: EventKind, _ fill: (inout JSONLine) -> Void = { _ in }) {
        emit(named: kind.rawValue, fill)
    }

    /// A pin, unpin or rollback recorded by `mcnd models`.
    public func emit(_ kind: ModelEvent, _ fill: (inout JSONLine) -> Void = { _ in }) {
        emit(named: kind.rawValue, fill)
    }

    private func emit(named kind: String, _ fill: (inout JSONLine) -> Void) {
        var line = Self.eventLine(kind)
        fill(&line)
        do {
            try events.append(line.line)
            try events.sync()
        } catch {
            logger.error("cannot write events.jsonl: \(error)")
        }
    }
}
