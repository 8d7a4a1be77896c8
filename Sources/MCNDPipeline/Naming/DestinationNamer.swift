import MCNDFileSystem

/// Names where an input goes (archive/…, review/…, rejected/…) so that no two
/// inputs, and no file already there, share a name: `name.png`, then
/// `name-1.png`, `name-2.png`, … Every name stays within NAME_MAX. One namer
/// serves a batch: its destination folders are opened once (`OpenFolders`).
public struct DestinationNamer {
    /// The longest file name Linux file systems accept, in bytes.
    public static let nameMax = 255

    let folders: OpenFolders

    public init(root: Directory) { folders = OpenFolders(root: root) }

    /// A destination under `folder` (relative to the root) that neither exists
    /// nor is in `planned` (the batch's earlier choices); it is added there.
    /// `baseTaken` is whether `folder/relative` itself was found taken when
    /// the batch was read (nil: look now) — the look that costs a lookup in a
    /// large folder, done on another thread while the batch before was moved.
    public func unique(_ folder: String, _ relative: RawPath, planned: inout PlannedNames, baseTaken: Bool? = nil) -> RawPath {
        let base = RawPath(folder) + relative
        var candidate = base
        var n = 0
        while planned.contains(candidate) || (n == 0 ? baseTaken ?? folders.exists(candidate) : folders.exists(candidate)) {
            n += 1
            candidate = Self.suffixed(base, "-\(n)")
        }
        planned.insert(candidate)
        return candidate
    }

    /// A destination under `folder` not in `planned` (added there), for an input
    /// whose destination no line announces (`archive/predicted`, `archive/labeled`):
    /// whether a file is there already is left to the move, which then takes the
    /// first free `-1`, `-2`, … (`InputMover`) — one lookup in a large folder
    /// fewer per input. Only a clash within the batch looks at the folder now.
    public func unannounced(_ folder: String, _ relative: RawPath, planned: inout PlannedNames) -> RawPath {
        unique(folder, relative, planned: &planned, baseTaken: false)
    }

    /// Whether the mover may pick another free name for `destination` itself
    /// (`unannounced`): under archive/, except a re-scored file (its rescored.jsonl line names it).
    public static func isUnannounced(_ destination: RawPath, outcome: JournalRecord.Outcome) -> Bool {
        destination.bytes.starts(with: RootLayout.Folder.archive.name.bytes + [UInt8(ascii: "/")]) && outcome != .rescored
    }

    /// `path` with `suffix` before its extension (`a.png` + `-1` → `a-1.png`).
    public static func suffixed(_ path: RawPath, _ suffix: String) -> RawPath {
        let name = path.lastComponent
        // A leading dot starts a hidden name, not an extension.
        let dot = name.lastIndex(of: UInt8(ascii: ".")).flatMap { $0 > 0 ? $0 : nil } ?? name.endIndex
        return path.parent + RawPath(withSuffix(Array(suffix.utf8), stem: Array(name[..<dot]), extension: Array(name[dot...])))
    }

    /// `stem + suffix + extension`, shortened to NAME_MAX: a name that already
    /// has 255 bytes would otherwise get a destination no file system accepts,
    /// and its move would fail on every retry. The stem is cut at a UTF-8
    /// character boundary (then the extension, if still too long).
    public static func withSuffix(_ suffix: [UInt8], stem: [UInt8], extension ext: [UInt8]) -> [UInt8] {
        let limit = nameMax
        var stem = stem, ext = ext
        if stem.count + suffix.count + ext.count > limit {
            stem.removeLast(min(stem.count, stem.count + suffix.count + ext.count - limit))
            while let last = stem.last, last & 0xC0 == 0x80 { stem.removeLast() }
            if let last = stem.last, last >= 0xC0 { stem.removeLast() }
        }
        if stem.count + suffix.count + ext.count > limit { ext.removeLast(stem.count + suffix.count + ext.count - limit) }
        return stem + suffix + ext
    }
}
