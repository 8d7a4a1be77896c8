import GRDB
import MCNDFileSystem

/// The JSON-lines files in outbox/. The raw value is the file name, as the
/// journal records it (`journal.outbox`).
public enum OutboxName: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    case predictions = "predictions.jsonl"
    case losses = "losses.jsonl"
    case events = "events.jsonl"
    /// Review files a newer model was sure of (RescoreStage).
    case rescored = "rescored.jsonl"

    /// The file beneath the root.
    public var path: RawPath { RootLayout.Folder.outbox.name + RawPath(rawValue) }
}
