import Logging
import MCNDFileSystem
import MCNDImaging

/// The one place an inbox input that cannot be used is decided, for ingest
/// and prediction alike: a problem the scan saw (a symlink, a bad label
/// name), a read that gave no bytes, an image that did not decode. Each
/// becomes a rejection (a `rejected` event and a move to rejected/, appended to
/// the batch's outcomes in the batch's order) or the file stays in the inbox:
/// unreadable, changing or gone for now, or cut off by a writer still at work
/// (IncompleteFiles). One decider per batch; `finish` records the incomplete files.
struct InputDecider {
    let layout: RootLayout
    /// limits.max_bytes, for the `too_large` detail.
    let limit: Int
    let logger: Logger
    private let rejections: RejectionBuilder
    private var incomplete: IncompleteFiles

    /// Of this batch: inputs rejected, left in place for a later pass, and held as incomplete.
    private(set) var rejected = 0
    private(set) var leftInPlace = 0
    private(set) var heldIncomplete = 0

    init(
        root: Directory, layout: RootLayout, store: StateStore, outbox: Outbox, configuration: MCNDConfiguration,
        closed: Set<RawPath>, logger: Logger
    ) {
        self.layout = layout
        self.limit = configuration.limits.maxInputBytes
        self.logger = logger
        rejections = RejectionBuilder(root: root)
        incomplete = IncompleteFiles(
            root: root, store: store, outbox: outbox, grace: configuration.incompleteGraceSeconds, closed: closed)
    }

    /// The file's content when it was read; nil when it was decided here (rejected or left in place).
    mutating func read(
        _ item: InputPreparation.Prepared, into outcomes: inout [JournalRecord], planned: inout PlannedNames
    ) -> InputPreparation.Read? {
        let entry = item.entry
        if let problem = entry.problem {
            outcomes.append(rejections.rejection(entry, sha256: nil, reason: problem.reason, detail: problem.detail, planned: &planned))
            rejected += 1
            return nil
        }
        switch item.read {
        case .success(let read):
            return read
        case .failure(let failure):
            if let (reason, detail) = rejection(failure, entry) {
                outcomes.append(rejections.rejection(entry, sha256: nil, reason: reason, detail: detail, planned: &planned))
                rejected += 1
            } else {
                leftInPlace += 1
            }
            return nil
        }
    }

    /// The file's pixels; nil when it did not decode and was decided here (rejected, or held as incomplete).
    mutating func pixels(
        _ read: InputPreparation.Read, of entry: InboxEntry, into outcomes: inout [JournalRecord], planned: inout PlannedNames
    ) -> [UInt8]? {
        switch read.pixels {
        case .success(let pixels):
            return pixels
        case .failure(let error):
            undecodable(error, entry, sha256: read.sha256, identity: read.identity, into: &outcomes, planned: &planned)
            return nil
        }
    }

    /// An image libpng or the normalizer refused: held while its writer may still be at work, else rejected.
    mutating func undecodable(
        _ error: ImageRejection, _ entry: InboxEntry, sha256: String, identity: FileIdentity, into outcomes: inout [JournalRecord],
        planned: inout PlannedNames
    ) {
        if incomplete.holds(entry, error) {
            heldIncomplete += 1
            return
        }
        outcomes.append(rejections.rejection(entry, image: error, sha256: sha256, identity: identity, planned: &planned))
        rejected += 1
    }

    /// After the batch is journaled: the `waiting_for_complete` events and the state's list of incomplete files.
    func finish() throws(PipelineError) { try incomplete.record() }

    /// A read that gave no bytes: the reason to reject it, or nil to leave it in
    /// place (`unreadable` is logged here, so the lines come in the batch's order).
    private func rejection(_ failure: InputFailure, _ entry: InboxEntry) -> (RejectionReason, String)? {
        switch failure {
        case .changing, .vanished:
            return nil
        case .unreadable(let code):
            logger.error("cannot read \(layout.path(RootLayout.Folder.inbox.name + entry.relative)): \(code); left in place")
            return nil
        case .notRegular(let what):
            return (.unsupported, what)
        case .tooLarge(let size):
            return (.tooLarge, "\(size) bytes, over limits.max_bytes (\(limit))")
        }
    }
}
