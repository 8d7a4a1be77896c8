import CLinux
import Glibc

/// An open folder. Every name given to its methods is resolved beneath it and
/// never through a symlink, at any depth: with `openat2(RESOLVE_BENEATH |
/// RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)` where the kernel has it
/// (Linux ≥ 5.6), else one component at a time with `openat(O_NOFOLLOW)`.
/// A name with `..`, an absolute name, or a symlink on the way fails
/// (`EXDEV` / `ELOOP`) instead of reaching outside.
public final class Directory: @unchecked Sendable {
    /// Immutable after init; the kernel object is safe to use from any thread.
    public let descriptor: Int32
    /// How it was opened, for messages.
    public let name: String
    /// How names beneath it are resolved; folders opened from it inherit it.
    public let resolution: Resolution

    public enum Resolution: Sendable, Equatable {
        /// `openat2` where the kernel has it, else `walk`.
        case automatic
        /// One component at a time with `openat(O_NOFOLLOW)`, the way older kernels need.
        case walk
    }

    init(descriptor: Int32, name: String, resolution: Resolution) {
        self.descriptor = descriptor
        self.name = name
        self.resolution = resolution
    }

    deinit { close(descriptor) }

    /// Opens the folder at `path` (absolute, or relative to the working
    /// directory). This is the one place a path is resolved by the kernel from
    /// the top: the operator names the root; everything below goes through it.
    public static func open(path: String, creating: Bool = false, resolution: Resolution = .automatic) throws(FileSystemError) -> Directory
    {
        if creating {
            // Like `mkdir -p`: the operator names this path, so missing parents are made too.
            var prefix = path.hasPrefix("/") ? "/" : ""
            for component in path.split(separator: "/") {
                prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
                do throws(FileSystemError) {
                    _ = try SystemCall.run(.mkdir, prefix) { mkdir(prefix, 0o755) }
                } catch  where error.errno == .fileExists {
                }
            }
        }
        let fd = try SystemCall.run(.open, path) { Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        return Directory(descriptor: fd, name: path, resolution: resolution)
    }

    /// The folder `path` beneath this one.
    public func openDirectory(_ path: RawPath) throws(FileSystemError) -> Directory {
        if path.isEmpty {
            let fd = try SystemCall.run(.open, name) { dup(descriptor) }
            return Directory(descriptor: fd, name: name, resolution: resolution)
        }
        return Directory(descriptor: try openBeneath(path, O_RDONLY | O_DIRECTORY), name: describe(path), resolution: resolution)
    }

    public enum Access: Sendable { case read, write, readWrite, append }

    /// The file `path` beneath this one; `create` gives the mode of a new one.
    /// The last component is never followed either (`O_NOFOLLOW`).
    public func openFile(
        _ path: RawPath, _ access: Access, create: mode_t? = nil, truncate: Bool = false,
        nonBlocking: Bool = false
    ) throws(FileSystemError) -> OpenFile {
        var flags: Int32
        switch access {
        case .read: flags = O_RDONLY
        case .write: flags = O_WRONLY
        case .readWrite: flags = O_RDWR
        case .append: flags = O_WRONLY | O_APPEND
        }
        if create != nil { flags |= O_CREAT }
        if truncate { flags |= O_TRUNC }
        if nonBlocking { flags |= O_NONBLOCK }
        return OpenFile(descriptor: try openBeneath(path, flags, mode: create ?? 0), name: describe(path))
    }

    /// `path` for messages: the folder's name joined with it.
    func describe(_ path: RawPath) -> String {
        path.isEmpty ? name : (name.hasSuffix("/") ? name : name + "/") + path.display
    }

    // MARK: Resolution

    /// Whether this kernel resolves beneath a descriptor itself (checked once;
    /// a seccomp filter or an old kernel answers ENOSYS/EPERM).
    static let kernelResolves: Bool = {
        let fd = mcnd_openat2(
            AT_FDCWD, "/", UInt64(mcnd_O_PATH | O_DIRECTORY | O_CLOEXEC), 0,
            UInt64(RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS))
        if fd >= 0 {
            close(fd)
            return true
        }
        return false
    }()

    static let resolveFlags = UInt64(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

    /// A descriptor for `path` beneath this folder, opened with `flags`.
    func openBeneath(_ path: RawPath, _ flags: Int32, mode: mode_t = 0) throws(FileSystemError) -> Int32 {
        guard path.staysBeneath, !path.isEmpty else { throw FileSystemError(.resolve, describe(path), .crossDevice) }
        let all = flags | O_NOFOLLOW | O_CLOEXEC
        if resolution == .automatic && Self.kernelResolves {
            return try SystemCall.run(.open, describe(path)) {
                path.withCString { mcnd_openat2(descriptor, $0, UInt64(UInt32(bitPattern: all)), UInt64(mode), Self.resolveFlags) }
            }
        }
        let parts = path.components
        var current = descriptor
        defer { if current != descriptor { close(current) } }
        for part in parts.dropLast() {
            let next = try SystemCall.run(.open, describe(path)) {
                RawPath(part).withCString { openat(current, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            }
            if current != descriptor { close(current) }
            current = next
        }
        return try SystemCall.run(.open, describe(path)) {
            RawPath(parts.last!).withCString { openat(current, $0, all, mode) }
        }
    }

    /// Runs `body` with a descriptor of `path`'s folder and its last component.
    func withParent<T>(
        of path: RawPath, _ operation: FileSystemError.Operation,
        _ body: (Int32, UnsafePointer<CChar>) throws(FileSystemError) -> T
    ) throws(FileSystemError) -> T {
        guard path.staysBeneath, !path.isEmpty else { throw FileSystemError(.resolve, describe(path), .crossDevice) }
        let parent = path.parent
        let fd = parent.isEmpty ? descriptor : try openBeneath(parent, O_RDONLY | O_DIRECTORY)
        defer { if fd != descriptor { close(fd) } }
        return try RawPath.withCString(path.lastComponentSlice) { (name) throws(FileSystemError) in try body(fd, name) }
    }
}
