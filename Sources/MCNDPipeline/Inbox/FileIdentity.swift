import MCNDFileSystem

/// Which file a path named when mcnd read it: device, inode, size and
/// modification time. Before an input is moved, its path must still name the
/// same file; a file renamed over it (or rewritten) is a new input.
public struct FileIdentity: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modified: Int64

    public init(_ st: FileStatus) {
        self.init(device: st.device, inode: st.inode, size: st.size, modified: st.modified)
    }

    public init(device: UInt64, inode: UInt64, size: Int64, modified: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
    }

    public var text: String { "\(device):\(inode):\(size):\(modified)" }
}

/// Why an input could not be read (before any decoding).
public enum InputFailure: Error, Equatable {
    case unreadable(Errno)
    case notRegular(String)
    case tooLarge(Int)
    /// It changed while being read: left for the next pass.
    case changing
    /// A folder on its path is gone or became a symlink: left for the scan to find.
    case vanished
}
