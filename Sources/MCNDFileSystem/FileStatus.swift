import Glibc

/// What `fstatat`/`fstat` said about a file, without following a symlink.
public struct FileStatus: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case regular, directory, symbolicLink, other }

    public var kind: Kind
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var mode: UInt32
    public var owner: UInt32
    /// Modification and status-change times, nanoseconds since the epoch.
    public var modified: Int64
    public var changed: Int64

    init(_ st: stat) {
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        mode = UInt32(st.st_mode)
        owner = UInt32(st.st_uid)
        modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        changed = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
    }

    /// The later of the modification and status-change times, in seconds.
    public var lastChange: Double { Double(max(modified, changed)) / 1e9 }
}
