import Glibc

/// Whole files named by an operator on the command line (`mcnd predict FILE`,
/// the IDX files of `mcnd import-idx`): resolved from the working directory
/// like any command-line tool does, symlinks included.
public enum LocalFile {
    public static func read(path: String, limit: Int = .max) throws(FileSystemError) -> [UInt8] {
        let fd = try SystemCall.run(.open, path) { open(path, O_RDONLY | O_CLOEXEC) }
        let file = OpenFile(descriptor: fd, name: path)
        let st = try file.status()
        guard st.kind == .regular else { throw FileSystemError(.read, path, .isDirectory) }
        guard st.size <= limit else { throw FileSystemError(.read, path, Errno(rawValue: EFBIG)) }
        return try file.readToEnd(sizeHint: Int(st.size))
    }

    /// Temporary file, fsync, rename, fsync of the folder.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileSystemError) {
        let (folder, leaf) = split(path)
        try Directory.open(path: folder).writeFileAtomically(bytes, to: leaf)
    }

    static func split(_ path: String) -> (folder: String, leaf: RawPath) {
        guard let slash = path.lastIndex(of: "/") else { return (".", RawPath(path)) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, RawPath(String(path[path.index(after: slash)...])))
    }
}
