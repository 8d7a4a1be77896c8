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
    var undone = false
}
