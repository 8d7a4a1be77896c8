import MCNDFileSystem

/// Reads an input beneath the root: never through a symlink at any depth,
/// never a non-regular file, never more than the limit.
struct InputReader {
    let root: Directory

    /// The bytes and the identity of the file they were read from. `seen` is
    /// the file's status from the scan, when there was one: it saves a `stat`.
    func read(_ path: RawPath, limit: Int, seen: FileStatus? = nil) throws(InputFailure) -> (bytes: [UInt8], identity: FileIdentity) {
        let file: OpenFile
        do {
            file = try root.openFile(path, .read, nonBlocking: true)
        } catch {
            guard error.errno == .tooManySymbolicLinks || error.errno == .notDirectory || error.errno == .noSuchFile else {
                throw .unreadable(error.errno)
            }
            // The file itself a symlink is an input to move aside; a folder on the way swapped or gone is not.
            let now = (try? root.status(path)) ?? nil
            if now?.kind == .symbolicLink { throw .notRegular("a symbolic link") }
            throw .vanished
        }
        if let seen, let read = Self.readAsSeen(file, seen, limit: limit) { return read }
        do {
            let st = try file.status()
            guard st.kind == .regular else { throw InputFailure.notRegular("not a regular file") }
            guard st.size <= Int64(limit) else { throw InputFailure.tooLarge(Int(st.size)) }
            let bytes = try file.read(count: Int(st.size), at: 0)
            // A file that grew while read is read again on a later pass, complete.
            let after = try file.status()
            if after.size != st.size || after.modified != st.modified { throw InputFailure.changing }
            return (bytes, FileIdentity(st))
        } catch let failure as InputFailure {
            throw failure
        } catch let error as FileSystemError {
            throw .unreadable(error.errno)
        } catch {
            throw .unreadable(.ioError)
        }
    }

    /// The scan's size read, then one `fstat`: the same file (device, inode)
    /// unchanged since the scan — size, modification time and status-change
    /// time, which no writer can set back — means the bytes are its whole
    /// content, as the two `fstat`s around the read would have shown. nil when
    /// anything differs (or the descriptor is not a file `pread` can read):
    /// the careful read decides.
    private static func readAsSeen(_ file: OpenFile, _ seen: FileStatus, limit: Int) -> (bytes: [UInt8], identity: FileIdentity)? {
        guard seen.kind == .regular, seen.size <= Int64(limit),
            let bytes = try? file.read(count: Int(seen.size), at: 0), bytes.count == Int(seen.size),
            let now = try? file.status(), now == seen
        else { return nil }
        return (bytes, FileIdentity(now))
    }
}
