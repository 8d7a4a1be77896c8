/// When the daemon tries again to move inputs whose folder it may not change:
/// a second after they first wait, then with the interval doubling to a
/// minute, and at once when a watched folder's mode, owner or ACL changes
/// (`IN_ATTRIB`), so a `chmod g+w` takes effect within moments.
struct MoveRetry: Sendable {
    static let first = 1.0
    static let longest = 60.0
    private var interval = first
    private var next: Double?

    /// True when a retry is due now; `waiting` is how many inputs wait.
    mutating func isDue(now: Double, waiting: Int) -> Bool {
        guard waiting > 0 else {
            next = nil
            interval = Self.first
            return false
        }
        guard let next else {
            self.next = now + interval
            return false
        }
        return now >= next
    }

    mutating func tried(now: Double) {
        interval = min(interval * 2, Self.longest)
        next = now + interval
    }

    /// A folder's attributes changed: retry at once, and soon again after.
    mutating func folderChanged(now: Double) {
        interval = Self.first
        next = now
    }
}
