import Foundation
import Glibc
import MCNDImaging
import MCNDTestSupport
import Testing

/// File operations on raw byte paths, as writers do them.
enum Files {
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    static func withPath<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (path.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    static func write(_ content: [UInt8], to path: [UInt8]) throws { try RawFile.write(content, to: path) }
    static func write(_ content: [UInt8], to path: String) throws { try write(content, to: bytes(path)) }

    /// Writes `folder/.tmp-N` and renames it to `folder/name` (raw bytes), as the README tells writers to.
    static func drop(_ content: [UInt8], into folder: [UInt8], as name: [UInt8]) throws {
        let temporary = folder + bytes("/.drop-\(UInt64.random(in: 0 ... .max)).tmp")
        try write(content, to: temporary)
        try move(temporary, to: folder + [47] + name)
    }

    static func drop(_ content: [UInt8], into folder: String, as name: String) throws { try drop(content, into: bytes(folder), as: bytes(name)) }

    static func move(_ from: [UInt8], to: [UInt8]) throws {
        let r = withPath(from) { f in withPath(to) { t in rename(f, t) } }
        guard r == 0 else { throw TestFailure("rename \(String(decoding: from, as: UTF8.self)) → \(String(decoding: to, as: UTF8.self)): \(errnoText())") }
    }

    static func move(_ from: String, to: String) throws { try move(bytes(from), to: bytes(to)) }

    static func makeFolder(_ path: [UInt8]) throws {
        guard withPath(path, { mkdir($0, 0o755) }) == 0 || errno == EEXIST else {
            throw TestFailure("mkdir \(String(decoding: path, as: UTF8.self)): \(errnoText())")
        }
    }

    static func makeFolder(_ path: String) throws { try makeFolder(bytes(path)) }

    static func status(_ path: [UInt8]) -> stat? {
        var st = stat()
        return withPath(path) { lstat($0, &st) } == 0 ? st : nil
    }

    static func exists(_ path: [UInt8]) -> Bool { status(path) != nil }
    static func exists(_ path: String) -> Bool { exists(bytes(path)) }

    static func read(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { [UInt8]($0) } }

    /// Names in a folder as raw bytes (`.`, `..` excluded).
    static func names(in folder: [UInt8]) -> [[UInt8]] {
        guard let dir = withPath(folder, { opendir($0) }) else { return [] }
        defer { closedir(dir) }
        var out: [[UInt8]] = []
        while let item = readdir(dir) {
            let name: [UInt8] = withUnsafeBytes(of: item.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [46] && name != [46, 46] { out.append(name) }
        }
        return out
    }

    /// Every non-folder entry below `folder` (symlinks not followed), as raw relative paths.
    static func entries(under folder: String) -> Set<[UInt8]> {
        var out: Set<[UInt8]> = []
        func walk(_ relative: [UInt8]) {
            let base = relative.isEmpty ? bytes(folder) : bytes(folder + "/") + relative
            for name in names(in: base) {
                let child = relative.isEmpty ? name : relative + [47] + name
                guard let st = status(bytes(folder + "/") + child) else { continue }
                if st.st_mode & S_IFMT == S_IFDIR { walk(child) } else { out.insert(child) }
            }
        }
        walk([])
        return out
    }

    /// path → "size mtime" of everything below `folder` (folders included), to prove nothing changed there.
    static func snapshot(_ folder: String) -> [String: String] {
        var out: [String: String] = [:]
        func walk(_ relative: [UInt8]) {
            let base = relative.isEmpty ? bytes(folder) : bytes(folder + "/") + relative
            for name in names(in: base) {
                let child = relative.isEmpty ? name : relative + [47] + name
                guard let st = status(bytes(folder + "/") + child) else { continue }
                out[hex(child)] = "\(st.st_mode) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
                if st.st_mode & S_IFMT == S_IFDIR { walk(child) }
            }
        }
        walk([])
        return out
    }

    static func symlink(_ target: [UInt8], at path: [UInt8]) throws {
        let r = withPath(target) { t in withPath(path) { p in Glibc.symlink(t, p) } }
        guard r == 0 else { throw TestFailure("symlink \(String(decoding: path, as: UTF8.self)): \(errnoText())") }
    }

    /// Fills the file system holding `folder` with `folder/filler` until ENOSPC, then gives back
    /// `leave` bytes. Returns the filler's path.
    @discardableResult
    static func fill(_ folder: String, leave: Int = 0) throws -> String {
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
                if small > 0 { size += small; continue }
                break
            }
            size += n
        }
        if leave > 0 { ftruncate(fd, off_t(max(0, size - leave))) }
        return path
    }
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
}
