/// Why an undo came too late; the raw value is the JSON `reason`, shown to the person as it is.
enum TooLate: String, Sendable {
    /// The daemon (or a pass) decided the file: trained on it or recorded it, archived it or is about to.
    case takenIn = "too late: already trained/archived by mcnd; nothing was changed"
    /// The file is no longer where the action put it (or another file has that name now).
    case moved =
        "too late: the file is no longer where the page put it (already trained/archived, or moved by someone); nothing was changed"
}
