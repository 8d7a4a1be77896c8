import Foundation
import Glibc

/// What the tests do to the inbox, with plain system calls on raw byte paths
/// (names need not be UTF-8), exactly as a careful writer does it.
public enum Files {
    /// Kept so that `Files.Failure` reads as before; the kit has one failure type.
    public typealias Failure = TestFailure

    public static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    public static func withPath<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (path.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    private static func text(_ path: [UInt8]) -> String { String(decoding: path, as: UTF8.self) }

    /// Creates (or truncates) `path` and writes every byte.
    public static func write(_ content: [UInt8], to path: [UInt8]) throws {
        let fd = withPath(path) { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw TestFailure("create \(text(path)): \(errnoText())") }
        defer { close(fd) }
        try writeAll(fd, content[...], path: text(path))
    }

    public static func write(_ content: [UInt8], to path: String) throws { try write(content, to: bytes(path)) }

    /// Writes every byte, retrying interrupted and short writes.
    public static func writeAll(_ fd: Int32, _ content: ArraySlice<UInt8>, path: String) throws {
        var done = 0
        while done < content.count {
            let n = content.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, content.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TestFailure("write \(path): \(errnoText())")
            }
            done += n
        }
    }

    /// Writes a hidden `folder/.drop-N.tmp` (mcnd skips hidden names) and renames it to
    /// `folder/name`, as the README tells writers to.
    public static func drop(_ content: [UInt8], into folder: [UInt8], as name: [UInt8]) throws {
        let temporary = folder + bytes("/.drop-\(UInt64.random(in: 0 ... .max)).tmp")
        try write(content, to: temporary)
        try move(temporary, to: folder + [47] + name)
    }

    /// The same for a `relative` path that may name label folders; missing folders
    /// (label folders, a staging folder and its parents) are made first.
    public static func drop(_ content: [UInt8], into folder: String, as relative: String) throws {
        var parts = relative.split(separator: "/").map(String.init)
        let name = parts.removeLast()
        let target = ([folder] + parts).joined(separator: "/")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try drop(content, into: bytes(target), as: bytes(name))
    }

    public static func drop(_ content: [UInt8], into folder: URL, as relative: String) throws {
        try drop(content, into: folder.path, as: relative)
    }

    public static func move(_ from: [UInt8], to: [UInt8]) throws {
        let r = withPath(from) { f in withPath(to) { t in rename(f, t) } }
        guard r == 0 else { throw TestFailure("rename \(text(from)) → \(text(to)): \(errnoText())") }
    }

    public static func move(_ from: String, to: String) throws { try move(bytes(from), to: bytes(to)) }

    /// Makes a folder; one that exists already is fine.
    public static func makeFolder(_ path: [UInt8]) throws {
        guard withPath(path, { mkdir($0, 0o755) }) == 0 || errno == EEXIST else {
            throw TestFailure("mkdir \(text(path)): \(errnoText())")
        }
    }

    public static func makeFolder(_ path: String) throws { try makeFolder(bytes(path)) }

    public static func symlink(_ target: [UInt8], at path: [UInt8]) throws {
        let r = withPath(target) { t in withPath(path) { p in Glibc.symlink(t, p) } }
        guard r == 0 else { throw TestFailure("symlink \(text(path)): \(errnoText())") }
    }

    /// lstat: symlinks are not followed.
    public static func status(_ path: [UInt8]) -> stat? {
        var st = stat()
        return withPath(path) { lstat($0, &st) } == 0 ? st : nil
    }

    public static func exists(_ path: [UInt8]) -> Bool { status(path) != nil }
    public static func exists(_ path: String) -> Bool { exists(bytes(path)) }
    public static func size(_ path: String) -> Int? { status(bytes(path)).map { Int($0.st_size) } }

    public static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// SHA-256 (hex) of each file, by coreutils' `sha256sum`, so the check shares no code with mcnd.
    public static func sha256(_ paths: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        var start = 0
        while start < paths.count {
            let chunk = Array(paths[start..<min(start + 500, paths.count)])
            start += chunk.count
            let run = try Shell.run(["/usr/bin/env", "sha256sum", "--"] + chunk)
            guard run.status == 0 else { throw TestFailure("sha256sum exited \(run.status): \(run.stderr)") }
            for line in run.stdout.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { continue }
                out[String(parts[1].drop { $0 == " " || $0 == "*" })] = String(parts[0])
            }
        }
        guard out.count == Set(paths).count else { throw TestFailure("sha256sum listed \(out.count) of \(paths.count) files") }
        return out
    }
}

/// Lower-case hex of raw bytes (a name that need not be UTF-8, as a dictionary key or in a message).
public func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
}
