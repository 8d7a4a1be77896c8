import Crypto
import Foundation
import Logging
import MCNDFileSystem
import MCNDImaging
import MCNDModel

/// What every stage shares: the root, the configuration, the state, the
/// outbox files and the model that answers predictions. Shared with the
/// daemon's training thread: the outbox files and the state lock themselves,
/// `serving` is behind a lock, and `configuration` is only changed by the
/// owner between passes (a training run works on its own copy).
final class PipelineContext: @unchecked Sendable {
    let layout: RootLayout
    /// The root folder: every file operation is resolved beneath it.
    let root: Directory
    var configuration: MCNDConfiguration
    let store: StateStore
    let predictions: OutboxFile
    let losses: OutboxFile
    let events: OutboxFile
    /// Review files a newer model was sure of (RescoreStage).
    let rescored: OutboxFile
    let writer: OutcomeWriter
    let logger: Logger
    private let servingLock = NSLock()
    private var _serving: ModelFile?
    /// The serving model; replaced whole (atomically) when a new one is promoted.
    var serving: ModelFile? {
        get { servingLock.lock(); defer { servingLock.unlock() }; return _serving }
        set { servingLock.lock(); _serving = newValue; servingLock.unlock() }
    }

    init(layout: RootLayout, root: Directory, configuration: MCNDConfiguration, store: StateStore, logger: Logger) throws(PipelineError) {
        self.layout = layout
        self.root = root
        self.configuration = configuration
        self.store = store
        self.logger = logger
        predictions = try OutboxFile(root: root, name: RootLayout.Name.predictions)
        losses = try OutboxFile(root: root, name: RootLayout.Name.losses)
        events = try OutboxFile(root: root, name: RootLayout.Name.events)
        rescored = try OutboxFile(root: root, name: RootLayout.Name.rescored)
        writer = try OutcomeWriter(root: root, store: store, outboxes: [
            "predictions.jsonl": predictions, "events.jsonl": events, "rescored.jsonl": rescored,
        ], logger: logger)
        _serving = try store.servingModel()
    }

    /// Appends an event not tied to an input (run and model events, notices).
    func emit(_ event: String, _ fill: (inout JSONLine) -> Void = { _ in }) {
        var line = JSONLine()
        line.add("event", event)
        line.add("time", Timestamp.now())
        fill(&line)
        do {
            try events.append(line.line)
            try events.sync()
        } catch {
            logger.error("cannot write events.jsonl: \(error)")
        }
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8](); out.reserveCapacity(64)
        for b in digest { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A destination under `folder` (relative to the root) that neither exists
    /// nor is planned already: `name.png`, then `name-1.png`, `name-2.png`, …
    func uniqueDestination(_ folder: String, _ relative: RawPath, planned: inout Set<RawPath>) -> RawPath {
        let base = RawPath(folder) + relative
        var candidate = base
        var n = 0
        while planned.contains(candidate) || root.exists(candidate) {
            n += 1
            let name = base.lastComponent
            let dot = name.lastIndex(of: UInt8(ascii: ".")).flatMap { $0 > 0 ? $0 : nil } ?? name.endIndex
            candidate = base.parent + RawPath(Self.withSuffix(Array("-\(n)".utf8), stem: Array(name[..<dot]), extension: Array(name[dot...])))
        }
        planned.insert(candidate)
        return candidate
    }

    /// `stem + suffix + extension`, shortened to NAME_MAX (255 bytes): a name
    /// that already has 255 bytes would otherwise get a destination no file
    /// system accepts, and its move would fail on every retry. The stem is cut
    /// at a UTF-8 character boundary (then the extension, if still too long).
    static func withSuffix(_ suffix: [UInt8], stem: [UInt8], extension ext: [UInt8]) -> [UInt8] {
        let limit = 255
        var stem = stem, ext = ext
        if stem.count + suffix.count + ext.count > limit {
            stem.removeLast(min(stem.count, stem.count + suffix.count + ext.count - limit))
            while let last = stem.last, last & 0xC0 == 0x80 { stem.removeLast() }
            if let last = stem.last, last >= 0xC0 { stem.removeLast() }
        }
        if stem.count + suffix.count + ext.count > limit { ext.removeLast(stem.count + suffix.count + ext.count - limit) }
        return stem + suffix + ext
    }

    /// The rejection of an input: an event line and a move to rejected/.
    /// `identity` is the file that was read; unread files are taken as they are now.
    func rejection(_ entry: InboxEntry, sha256: String?, reason: String, detail: String, planned: inout Set<RawPath>,
                   identity: FileIdentity? = nil) -> PlannedOutcome {
        let destination = uniqueDestination("rejected", entry.relative, planned: &planned)
        var line = JSONLine()
        line.add("event", "rejected")
        line.add("time", Timestamp.now())
        Self.addFile(entry.relative, to: &line)
        if let sha256 { line.add("sha256", sha256) }
        line.add("reason", reason)
        line.add("detail", detail)
        line.add("moved_to", destination.display)
        return PlannedOutcome(source: RawPath("inbox") + entry.relative, sha256: sha256, outcome: .rejected,
                              outbox: "events.jsonl", line: line.line, destination: destination,
                              identity: identity ?? ((try? root.status(RawPath("inbox") + entry.relative)) ?? nil).map(FileIdentity.init))
    }

    /// `file` as text; when the name is not valid UTF-8, also `file_bytes`
    /// (hex of the raw bytes) so the name is kept without loss.
    static func addFile(_ path: RawPath, to line: inout JSONLine) {
        line.add("file", path.display)
        if !path.isValidUTF8 {
            line.add("file_bytes", path.bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined())
        }
    }
}
