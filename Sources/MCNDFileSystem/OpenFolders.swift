/// The folders beneath a root that one batch of operations works in, each
/// opened once (`openat2` beneath the root, like every other name) and kept
/// for the batch: a batch of 512 moves from `inbox/` to `archive/predicted/`
/// then resolves two folders, not two per file. A folder swapped for a symlink
/// during the batch does not redirect anything — the descriptor is the folder
/// that was beneath the root when it was opened. Used by one thread; made anew
/// for every batch, so a folder replaced between batches is opened again.
public final class OpenFolders {
    public let root: Directory
    private var open: [RawPath: Directory] = [:]

    public init(root: Directory) { self.root = root }

    /// The folder `path` beneath the root (the root itself when empty), opened at its first use.
    public func folder(_ path: RawPath) throws(FileSystemError) -> Directory {
        if path.isEmpty { return root }
        if let known = open[path] { return known }
        let folder = try root.openDirectory(path)
        open[path] = folder
        return folder
    }

    /// Like `Directory.status`: nil when nothing is there or a folder on the way is missing, not a folder, or a symlink.
    public func status(_ path: RawPath) throws(FileSystemError) -> FileStatus? {
        guard path.staysBeneath, !path.isEmpty else { throw FileSystemError(.resolve, root.describe(path), .crossDevice) }
        let parent: Directory
        do throws(FileSystemError) {
            parent = try folder(path.parent)
        } catch  where [.noSuchFile, .notDirectory, .tooManySymbolicLinks].contains(error.errno) {
            return nil
        }
        return try parent.status(RawPath(path.lastComponent))
    }

    public func exists(_ path: RawPath) -> Bool { ((try? status(path)) ?? nil) != nil }

    /// `Directory.rename` (without replacing) between two paths beneath the root.
    public func rename(_ path: RawPath, to destination: RawPath) throws(FileSystemError) {
        guard path.staysBeneath, !path.isEmpty else { throw FileSystemError(.resolve, root.describe(path), .crossDevice) }
        guard destination.staysBeneath, !destination.isEmpty else {
            throw FileSystemError(.resolve, root.describe(destination), .crossDevice)
        }
        let from = try folder(path.parent), to = try folder(destination.parent)
        try from.rename(RawPath(path.lastComponent), to: RawPath(destination.lastComponent), in: to)
    }

    /// `Directory.remove` of `path` beneath the root; nothing there is not an error.
    public func remove(_ path: RawPath) throws(FileSystemError) {
        guard path.staysBeneath, !path.isEmpty else { throw FileSystemError(.resolve, root.describe(path), .crossDevice) }
        let parent: Directory
        do throws(FileSystemError) {
            parent = try folder(path.parent)
        } catch  where error.errno == .noSuchFile {
            return
        }
        try parent.remove(RawPath(path.lastComponent))
    }

    /// fsync of the folder `path` (the root when empty).
    public func sync(_ path: RawPath) throws(FileSystemError) { try folder(path).sync() }
}
