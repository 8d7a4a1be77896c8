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
        let moved = try? root.status(to)
        actions[number] = ReviewAction(number: number, kind: kind, item: id, source: from, destination: to, moved: moved ?? nil)
        actions[number - Self.remembered] = nil
        source.forget()
        return Outcome(status: .moved, action: number, location: to.display)
    }

    /// nil: no such action (404). Too late once mcnd has taken the file in — its row no longer waits
    /// (trained on, announced, archived or about to be) — or when the file at the action's destination
    /// is not the one it put there; then nothing is changed.
    func undo(_ number: Int) throws(ReviewPageError) -> Outcome? {
        guard var action = actions[number] else { return nil }
        guard !action.undone else { return Outcome(status: .alreadyMoved, action: number) }
        guard try waiting(action.item) else { return Self.tooLate(number, .takenIn) }
        if let moved = action.moved {
            let now = (try? root.status(action.destination)) ?? nil
            guard let now, now.device == moved.device, now.inode == moved.inode else { return Self.tooLate(number, .moved) }
        }
        do {
            _ = try root.makeDirectories(action.source.parent)
            try root.rename(action.destination, to: action.source)
        } catch {
            // Gone from where the action put it (the daemon took it in), or a new file holds its old name.
            if error.errno == .noSuchFile || error.errno == .fileExists { return Self.tooLate(number, .moved) }
            throw .move(error)
        }
        // A pass may have decided the file between the check and the rename: it goes back where the pass expects it.
        if (try? waiting(action.item)) != true {
            do {
                try root.rename(action.source, to: action.destination)
            } catch {
                throw .move(error)
            }
            return Self.tooLate(number, .takenIn)
        }
        do {
            try root.sync(action.source.parent)
            try root.sync(action.destination.parent)
        } catch {
            throw .move(error)
        }
        action.undone = true
        actions[number] = action
        source.forget()
        return Outcome(status: .undone, action: number, location: action.source.display)
    }

    /// Whether the state still waits for a person on item `id` (no pass has taken its file in).
    private func waiting(_ id: Int64) throws(ReviewPageError) -> Bool {
        try source.item(id: id)?.status == .waiting
    }

    private static func tooLate(_ number: Int, _ why: TooLate) -> Outcome {
        Outcome(status: .tooLate, action: number, reason: why.rawValue)
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
