/// How an action or an undo ended; the raw values are the JSON `status`.
enum ActionStatus: String, Sendable, Encodable {
    /// The file was moved.
    case moved
    /// The move was reversed.
    case undone
    /// Someone (another tab, a file manager, a newer model) moved the file first: nothing to do.
    case alreadyMoved = "already_moved"
    /// The file is no longer where the action put it (the daemon took it in): it cannot come back.
    case tooLate = "too_late"
    /// The typed label cannot be a folder name (`reason` says why).
    case badLabel = "bad_label"
}
