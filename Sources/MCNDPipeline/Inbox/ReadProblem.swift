import Logging
import MCNDFileSystem

/// A read that gave no bytes, as the stages act on it: rejected with a reason,
/// or (no rejection) left in place for a later pass.
struct ReadProblem: Error {
    var rejection: (reason: RejectionReason, detail: String)?

    /// `unreadable` is logged here, so the lines come in the batch's order.
    init(_ error: InputFailure, entry: InboxEntry, layout: RootLayout, limit: Int, logger: Logger) {
        switch error {
        case .changing, .vanished:
            rejection = nil
        case .unreadable(let code):
            logger.error("cannot read \(layout.path(RootLayout.Folder.inbox.name + entry.relative)): \(code); left in place")
            rejection = nil
        case .notRegular(let what):
            rejection = (.unsupported, what)
        case .tooLarge(let size):
            rejection = (.tooLarge, "\(size) bytes, over limits.max_bytes (\(limit))")
        }
    }
}
