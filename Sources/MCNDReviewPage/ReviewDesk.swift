import MCNDFileSystem
import MCNDPipeline

/// Makes a person's moves for the page — `review/<guess>/x.png` to
/// `inbox/<label>/x.png` or `archive/dismissed/x.png` — exactly as `mv` would,
/// through the root's directory descriptor, and keeps them so the last can be
/// undone. One actor per server: its own actions never race each other; a
/// file moved by anyone else first (another server, a file manager, the
/// daemon re-scoring) is found gone by the rename itself and reported as such.
actor ReviewDesk {
    let root: Directory
    private let source: QueueSource
    private var actions: [Int: ReviewAction] = [:]
    private var nextNumber = 1
    /// Undo reaches this many actions back; older ones are forgotten.
    static let remembered = 10_000

    init(root: Directory, source: QueueSource) {
        self.root = root
        self.source = source
    }

    struct Outcome: Sendable {
        var status: ActionStatus
        var action: Int?
        /// Where the file is now, relative to the root (for the person to read).
        var location: String?
        var reason: String?
    }

    enum Request: Sendable {
        case confirm
        case correct(String)
        case dismiss
    }

    /// nil: no such item (404).
    func act(_ request: Request, item id: Int64) throws(ReviewPageError) -> Outcome? {
        guard let item = try source.item(id: id) else { return nil }
        guard item.status == .waiting else { return Outcome(status: .alreadyMoved) }
        // The state names only files in review/; anything else is not the page's to move.
        guard item.path.starts(with: RootLayout.Folder.review.prefix) else { return nil }
        let kind: ReviewAction.Kind
        let folder: RawPath
        switch request {
        case .confirm:
            kind = .confirm
            folder = RootLayout.Folder.inbox.name + RawPath(item.label)
        case .correct(let typed):
            switch LabelName.validated(typed) {
            case .failure(let problem): return Outcome(status: .badLabel, reason: problem.rawValue)
            case .success(let label):
                kind = label == item.label ? .confirm : .correct
                folder = RootLayout.Folder.inbox.name + RawPath(label)
            }
        case .dismiss:
            kind = .dismiss
            folder = RootLayout.Archive.dismissed.name
        }
        let from = RawPath(item.path)
        guard let to = try move(from, into: folder) else { return Outcome(status: .alreadyMoved) }
        let number = nextNumber
        nextNumber += 1
        actions[number] = ReviewAction(number: number, kind: kind, item: id, source: from, destination: to)
        actions[number - Self.remembered] = nil
        source.forget()
        return Outcome(status: .moved, action: number, location: to.display)
    }

    /// nil: no such action (404).
    func undo(_ number: Int) throws(ReviewPageError) -> Outcome? {
        guard var action = actions[number] else { return nil }
        guard !action.undone else { return Outcome(status: .alreadyMoved, action: number) }
        do {
            _ = try root.makeDirectories(action.source.parent)
            try root.rename(action.destination, to: action.source)
            try root.sync(action.source.parent)
            try root.sync(action.destination.parent)
        } catch {
            // Gone from where the action put it (the daemon took it in), or a new file holds its old name.
            if error.errno == .noSuchFile || error.errno == .fileExists { return Outcome(status: .tooLate, action: number) }
            throw .move(error)
        }
        action.undone = true
        actions[number] = action
        source.forget()
        return Outcome(status: .undone, action: number, location: action.source.display)
    }

    /// Renames `from` into `folder` under its own name, or `name-1.png`, … when that is taken
    /// (never replacing a file); nil when `from` is gone. The folders are fsynced, like a careful `mv`.
    private func move(_ from: RawPath, into folder: RawPath) throws(ReviewPageError) -> RawPath? {
        do throws(FileSystemError) {
            let created = try root.makeDirectories(folder)
            if !created.isEmpty { try root.sync(folder.parent) }
            let leaf = from.lastComponent
            for attempt in 0..<10_000 {
                let to = folder + RawPath(attempt == 0 ? leaf : Self.numbered(leaf, attempt))
                do throws(FileSystemError) {
                    try root.rename(from, to: to)
                } catch {
                    if error.errno == .fileExists { continue }
                    if error.errno == .noSuchFile { return nil }
                    throw error
                }
                try root.sync(folder)
                try root.sync(from.parent)
                return to
            }
            throw FileSystemError(.rename, from.display, .fileExists)
        } catch {
            throw .move(error)
        }
    }

    /// `name.png` → `name-N.png` (`name` → `name-N`).
    static func numbered(_ leaf: [UInt8], _ n: Int) -> [UInt8] {
        let dot = leaf.lastIndex(of: UInt8(ascii: "."))
        guard let dot, dot > 0 else { return leaf + Array("-\(n)".utf8) }
        return Array(leaf[..<dot]) + Array("-\(n)".utf8) + Array(leaf[dot...])
    }
}
