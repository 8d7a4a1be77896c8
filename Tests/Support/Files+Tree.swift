import Foundation
import Glibc

/// Listing what is below a folder, and filling a file system.
extension Files {
    /// Names in a folder as raw bytes (`.`, `..` excluded), unsorted; empty when it cannot be listed.
    public static func names(in folder: [UInt8]) -> [[UInt8]] {
        guard let dir = withPath(folder, { opendir($0) }) else { return [] }
        defer { closedir(dir) }
        var out: [[UInt8]] = []
        while let item = readdir(dir) {
            let name: [UInt8] = withUnsafeBytes(of: item.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [46] && name != [46, 46] { out.append(name) }
        }
        return out
    }

    public static func names(in folder: String) -> [String] {
        names(in: bytes(folder)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `visit` for everything below `folder` (symlinks not followed), parents before children.
    private static func walk(_ folder: String, _ visit: (_ relative: [UInt8], _ status: stat) -> Void) {
        func walk(_ relative: [UInt8]) {
            let base = relative.isEmpty ? bytes(folder) : bytes(folder + "/") + relative
            for name in names(in: base) {
                let child = relative.isEmpty ? name : relative + [47] + name
                guard let st = status(bytes(folder + "/") + child) else { continue }
                visit(child, st)
                if st.st_mode & S_IFMT == S_IFDIR { walk(child) }
            }
        }
        walk([])
    }

    /// Every non-folder entry below `folder`, as raw relative paths.
    public static func entries(under folder: String) -> Set<[UInt8]> {
        var out: Set<[UInt8]> = []
        walk(folder) { child, st in if st.st_mode & S_IFMT != S_IFDIR { out.insert(child) } }
        return out
    }

    /// Every non-folder entry below `folder` (hidden ones included), as sorted relative
    /// paths; anything but a regular file is marked so.
    public static func regularFiles(under folder: String) -> [String] {
        var out: [String] = []
        walk(folder) { child, st in
            let name = String(decoding: child, as: UTF8.self)
            switch st.st_mode & S_IFMT {
            case S_IFDIR: break
            case S_IFREG: out.append(name)
            default: out.append(name + " (not a regular file)")
            }
        }
        return out.sorted()
    }

    public static func regularFiles(under folder: URL) -> [String] { regularFiles(under: folder.path) }

    /// path (hex) → "mode size mtime" of everything below `folder` (folders included), to prove nothing changed there.
    public static func snapshot(_ folder: String) -> [String: String] {
        var out: [String: String] = [:]
        walk(folder) { child, st in out[hex(child)] = "\(st.st_mode) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)" }
        return out
    }

    /// Fills the file system holding `folder` with `folder/filler` until ENOSPC, then gives back
    /// `leave` bytes. Returns the filler's path.
    @discardableResult
    public static func fill(_ folder: String, leave: Int = 0) throws -> String {
        let path = folder + "/filler"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TestFailure("create \(path): \(errnoText())") }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0xA5, count: 1 << 16)
        var size = 0
        while true {
            let n = chunk.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                guard errno == ENOSPC else { throw TestFailure("write \(path): \(errnoText())") }
                // Smaller writes use up the last partial chunk.
                let small = chunk.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, 4096) }
                if small > 0 {
                    size += small
                    continue
                }
                break
            }
            size += n
        }
        if leave > 0 { ftruncate(fd, off_t(max(0, size - leave))) }
        return path
    }
}
