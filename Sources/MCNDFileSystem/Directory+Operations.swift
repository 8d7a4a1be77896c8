import CLinux
import Glibc

extension Directory {
    /// `fstatat(AT_SYMLINK_NOFOLLOW)` of `path`: a symlink is reported as one.
    /// nil when nothing is there, or when a folder on the way is missing, not a
    /// folder, or a symlink — the name reaches nothing mcnd would touch.
    public func status(_ path: RawPath) throws(FileSystemError) -> FileStatus? {
        do throws(FileSystemError) {
            return try withParent(of: path, .stat) { (fd, leaf) throws(FileSystemError) in
                var st = stat()
                _ = try SystemCall.run(.stat, describe(path)) { fstatat(fd, leaf, &st, AT_SYMLINK_NOFOLLOW) }
                return FileStatus(st)
            }
        } catch  where [.noSuchFile, .notDirectory, .tooManySymbolicLinks].contains(error.errno) {
            return nil
        }
    }

    /// The status of this folder itself.
    public func status() throws(FileSystemError) -> FileStatus {
        var st = stat()
        _ = try SystemCall.run(.stat, name) { fstat(descriptor, &st) }
        return FileStatus(st)
    }

    public func exists(_ path: RawPath) -> Bool { ((try? status(path)) ?? nil) != nil }

    /// Creates the folder `path` (its parent must exist); false when it was there already.
    @discardableResult
    public func makeDirectory(_ path: RawPath, mode: mode_t = 0o755) throws(FileSystemError) -> Bool {
        try withParent(of: path, .mkdir) { (fd, leaf) throws(FileSystemError) in
            do throws(FileSystemError) {
                _ = try SystemCall.run(.mkdir, describe(path)) { mkdirat(fd, leaf, mode) }
                return true
            } catch  where error.errno == .fileExists {
                return false
            }
        }
    }

    /// Creates `path` and every missing folder above it, beneath this one;
    /// returns the folders it created (their parents need an fsync to make them durable).
    @discardableResult
    public func makeDirectories(_ path: RawPath, mode: mode_t = 0o755) throws(FileSystemError) -> [RawPath] {
        var prefix = RawPath([])
        var created: [RawPath] = []
        for part in path.components {
            prefix = prefix + RawPath(part)
            if try makeDirectory(prefix, mode: mode) {
                created.append(prefix)
            } else {
                // Something was there: it must be a real folder, not a symlink.
                guard try status(prefix)?.kind == .directory else {
                    throw FileSystemError(.mkdir, describe(prefix), .notDirectory)
                }
            }
        }
        return created
    }

    /// Renames `path` to `destination` (beneath `target`, this folder by default).
    /// Without `replacing`, an existing destination fails with `EEXIST`.
    public func rename(
        _ path: RawPath, to destination: RawPath, in target: Directory? = nil,
        replacing: Bool = false
    ) throws(FileSystemError) {
        let target = target ?? self
        try withParent(of: path, .rename) { (from, fromLeaf) throws(FileSystemError) in
            try target.withParent(of: destination, .rename) { (to, toLeaf) throws(FileSystemError) in
                let flags: UInt32 = replacing ? 0 : mcnd_RENAME_NOREPLACE
                do throws(FileSystemError) {
                    _ = try SystemCall.run(.rename, describe(path), destination: target.describe(destination)) {
                        mcnd_renameat2(from, fromLeaf, to, toLeaf, flags)
                    }
                } catch  where !replacing && error.errno == .invalidArgument {
                    // A file system without RENAME_NOREPLACE: check, then rename.
                    var st = stat()
                    if fstatat(to, toLeaf, &st, AT_SYMLINK_NOFOLLOW) == 0 {
                        throw FileSystemError(.rename, describe(path), .fileExists, destination: target.describe(destination))
                    }
                    _ = try SystemCall.run(.rename, describe(path), destination: target.describe(destination)) {
                        renameat(from, fromLeaf, to, toLeaf)
                    }
                }
            }
        }
    }

    /// Removes the file (or symlink) `path`; nothing there is not an error.
    public func remove(_ path: RawPath) throws(FileSystemError) {
        do throws(FileSystemError) {
            try withParent(of: path, .unlink) { (fd, leaf) throws(FileSystemError) in
                _ = try SystemCall.run(.unlink, describe(path)) { unlinkat(fd, leaf, 0) }
            }
        } catch  where error.errno == .noSuchFile {
        }
    }

    /// fsync of this folder: makes creates, renames and unlinks in it durable.
    public func sync() throws(FileSystemError) {
        _ = try SystemCall.run(.fsync, name) { fsync(descriptor) }
    }

    /// fsync of the folder `path` beneath this one (this one when empty).
    public func sync(_ path: RawPath) throws(FileSystemError) {
        if path.isEmpty { return try sync() }
        try openDirectory(path).sync()
    }

    /// The names in this folder, without `.` and `..`, in the order the file
    /// system gives them.
    public func entries() throws(FileSystemError) -> [RawPath] { try entriesWithKinds().map(\.name) }

    /// The names with their kind as the folder listing tells it (`d_type`;
    /// nil where the file system does not say — ask `status`).
    public func entriesWithKinds() throws(FileSystemError) -> [(name: RawPath, kind: FileStatus.Kind?)] {
        // fdopendir owns the descriptor it gets: give it a duplicate.
        let copy = try SystemCall.run(.list, name) { dup(descriptor) }
        guard let stream = fdopendir(copy) else {
            let code = Errno.current
            close(copy)
            throw FileSystemError(.list, name, code)
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var out: [(name: RawPath, kind: FileStatus.Kind?)] = []
        while true {
            errno = 0
            guard let item = readdir(stream) else {
                let code = Errno.current
                if code.rawValue != 0 { throw FileSystemError(.list, name, code) }
                return out
            }
            // The name in place: `item.pointee` would copy a whole `struct dirent`,
            // reading past a short last record at the end of libc's buffer (SIGSEGV).
            let name = UnsafeRawPointer(item) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!
            let entry = Array(UnsafeRawBufferPointer(start: name, count: strlen(name.assumingMemoryBound(to: CChar.self))))
            if entry == [UInt8(ascii: ".")] || entry == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            let kind: FileStatus.Kind?
            switch Int32(item.pointee.d_type) {
            case Int32(DT_REG): kind = .regular
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .symbolicLink
            case Int32(DT_UNKNOWN): kind = nil
            default: kind = .other
            }
            out.append((RawPath(entry), kind))
        }
    }

    /// The whole regular file `path`, refusing more than `limit` bytes.
    public func readFile(_ path: RawPath, limit: Int = .max) throws(FileSystemError) -> [UInt8] {
        let file = try openFile(path, .read)
        let st = try file.status()
        guard st.kind == .regular else { throw FileSystemError(.read, describe(path), .isDirectory) }
        guard st.size <= limit else { throw FileSystemError(.read, describe(path), Errno(rawValue: EFBIG)) }
        return try file.readToEnd(sizeHint: Int(st.size))
    }

    /// Writes `bytes` to a temporary file beside `path`, fsyncs it, renames it
    /// over `path` and fsyncs the folder: readers see the old file or the new
    /// one, never a part, and after a power cut it is the one or the other.
    /// `syncFolder: false` leaves the folder's fsync to the caller (one for many files).
    public func writeFileAtomically(
        _ bytes: [UInt8], to path: RawPath, mode: mode_t = 0o644,
        syncFolder: Bool = true
    ) throws(FileSystemError) {
        var leaf = path.lastComponent
        leaf = Array(".\(getpid()).tmp-".utf8) + leaf.prefix(200)
        let temporary = path.parent + RawPath(leaf)
        do throws(FileSystemError) {
            let file = try openFile(temporary, .write, create: mode, truncate: true)
            try file.writeAll(bytes)
            try file.sync()
            try rename(temporary, to: path, replacing: true)
        } catch {
            try? remove(temporary)
            throw error
        }
        if syncFolder { try sync(path.parent) }
    }
}

extension Directory {
    /// Whether this process may create, rename and remove entries in the folder
    /// `path` beneath this one (write and search permission, `faccessat` with
    /// the effective ids).
    public func canChange(_ path: RawPath) -> Bool {
        guard let folder = try? openDirectory(path) else { return false }
        return faccessat(folder.descriptor, ".", W_OK | X_OK, AT_EACCESS) == 0
    }
}
