import MCNDFileSystem

/// Reads an input beneath the root: never through a symlink at any depth,
/// never a non-regular file, never more than the limit.
struct InputReader {
    let root: Directory

    /// The bytes and the identity of the file they were read from.
    func read(_ path: RawPath, limit: Int) throws(InputFailure) -> (bytes: [UInt8], identity: FileIdentity) {
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
}
