import MCNDFileSystem
import MCNDImaging

/// The outcome of an input that cannot be used: an events.jsonl line (a
/// `rejected` or `conflict` event) and a move to rejected/.
struct RejectionBuilder {
    let root: Directory
    let namer: DestinationNamer

    init(root: Directory) {
        self.root = root
        namer = DestinationNamer(root: root)
    }

    /// `identity` is the file that was read; unread files are taken as they are now.
    func rejection(
        _ entry: InboxEntry, sha256: String?, reason: RejectionReason, detail: String, planned: inout PlannedNames,
        identity: FileIdentity? = nil
    ) -> JournalRecord {
        let source = RootLayout.Folder.inbox.name + entry.relative
        let destination = namer.unique(RootLayout.Folder.rejected.rawValue, entry.relative, planned: &planned)
        var line = Outbox.eventLine(EventKind.rejected.rawValue)
        line.addFile(entry.relative)
        if let sha256 { line.add("sha256", sha256) }
        line.add("reason", reason.rawValue)
        line.add("detail", detail)
        line.add("moved_to", destination.display)
        var record = JournalRecord(
            source: source, sha256: sha256, outcome: .rejected, outbox: .events, line: OutboxLine(line.line),
            destination: destination, identity: identity ?? ((try? root.status(source)) ?? nil).map(FileIdentity.init))
        record.rejection = reason
        return record
    }

    /// The rejection of an image libpng or the normalizer refused.
    func rejection(
        _ entry: InboxEntry, image error: ImageRejection, sha256: String, identity: FileIdentity, planned: inout PlannedNames
    ) -> JournalRecord {
        rejection(entry, sha256: sha256, reason: RejectionReason(error), detail: error.detail, planned: &planned, identity: identity)
    }

    /// A labeled input whose content is an example under `existing` already.
    func conflict(
        _ entry: InboxEntry, sha256: String, label: String, existing: String, planned: inout PlannedNames,
        identity: FileIdentity
    ) -> JournalRecord {
        let destination = namer.unique(RootLayout.Folder.rejected.rawValue, entry.relative, planned: &planned)
        var line = Outbox.eventLine(EventKind.conflict.rawValue)
        line.addFile(entry.relative)
        line.add("sha256", sha256)
        line.add("label", label)
        line.add("existing_label", existing)
        line.add("moved_to", destination.display)
        return JournalRecord(
            source: RootLayout.Folder.inbox.name + entry.relative, sha256: sha256, outcome: .conflict, outbox: .events,
            line: OutboxLine(line.line), destination: destination, identity: identity)
    }
}
