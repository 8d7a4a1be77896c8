import Foundation
import Logging

/// Log lines for systemd's journal: each line starts with its priority as
/// sd-daemon(3) prescribes (`<3>` error … `<7>` debug) and carries no
/// timestamp of its own (the journal adds one), so `journalctl -u mcnd -p
/// warning` shows exactly the warnings and errors. Used when systemd connected
/// stderr to the journal (it sets `JOURNAL_STREAM`); a terminal keeps
/// swift-log's usual lines.
struct JournalLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// sd-daemon(3)'s SD_ERR … SD_DEBUG.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        var text = "\(event.message)"
        if !all.isEmpty { text += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
        // Every line of a message is its own journal entry: each gets the priority.
        let prefix = "<\(Self.priority(event.level))>"
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 + "\n" }.joined()
        FileHandle.standardError.write(Data(lines.utf8))
    }
}

/// The one logger of the command line, set up once for where stderr goes.
enum MCNDLog {
    private static let bootstrapped: Bool = {
        let underSystemd = !(ProcessInfo.processInfo.environment["JOURNAL_STREAM"] ?? "").isEmpty
        LoggingSystem.bootstrap { label in
            underSystemd ? JournalLogHandler() as any LogHandler : StreamLogHandler.standardError(label: label)
        }
        return true
    }()

    static func logger() -> Logger {
        precondition(bootstrapped)
        return Logger(label: "mcnd")
    }
}
