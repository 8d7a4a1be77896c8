/// A complete file found in the inbox.
public struct InboxEntry: Sendable, Hashable {
    /// Path relative to inbox/.
    public var relative: RawPath
    /// The folder name under inbox/ for labeled examples; nil for prediction requests.
    public var label: String?
    /// Set when the entry cannot be used whatever its content (e.g. a symlink, a bad label name).
    public var problem: Problem?
    /// What the scan's `stat` said about the file: the reader trusts it only
    /// when the open file still matches it after the read (`InputReader`).
    public var seen: FileStatus?

    public struct Problem: Sendable, Hashable {
        public var reason: RejectionReason
        public var detail: String
    }

    public var isLabeled: Bool { label != nil || relative.components.count > 1 }
}
