import MCNDFileSystem

/// What a person did to one item on the page: the move made, kept so it can be undone.
struct ReviewAction: Sendable {
    enum Kind: String, Sendable, Encodable {
        case confirm, correct, dismiss
    }

    var number: Int
    var kind: Kind
    var item: Int64
    /// Where the file was (`review/<folder>/<name>`) and where it went.
    var source: RawPath
    var destination: RawPath
    /// The file the action moved, as it was after the move: undo takes back only that file, never another of its name.
    var moved: FileStatus?
    var undone = false
}
