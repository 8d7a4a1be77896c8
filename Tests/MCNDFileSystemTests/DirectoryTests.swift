import Foundation
import Glibc
import MCNDFileSystem
import Testing

/// A temporary folder with a root inside and an outside folder beside it.
final class Sandbox {
    let path: String
    var root: String { path + "/root" }
    var outside: String { path + "/outside" }

    init() throws {
        var template = Array((FileManager.default.temporaryDirectory.path + "/mcnd-fs-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { throw Errno(rawValue: errno) }
        path = String(cString: made)
        for folder in [root, outside, root + "/a", root + "/a/b"] { mkdir(folder, 0o755) }
        _ = FileManager.default.createFile(atPath: outside + "/secret.png", contents: Data("outside".utf8))
        _ = FileManager.default.createFile(atPath: root + "/a/b/inside.png", contents: Data("inside".utf8))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func link(_ target: String, at relative: String) { symlink(target, root + "/" + relative) }
}

@Suite("Directory: resolution beneath the root") struct DirectoryTests {
    static let resolutions: [Directory.Resolution] = [.automatic, .walk]

    @Test("names with .., absolute names and NUL bytes are refused without a system call", arguments: resolutions)
    func escapingNamesRefused(_ resolution: Directory.Resolution) throws {
        let box = try Sandbox()
        let root = try Directory.open(path: box.root, resolution: resolution)
        for name in ["../outside/secret.png", "a/../../outside/secret.png", "/etc/passwd", "a/./b/inside.png", "a\u{0}b"] {
            #expect(throws: FileSystemError.self, "\(name)") { try root.readFile(RawPath(name)) }
        }
        #expect(throws: FileSystemError.self) { try root.rename(RawPath("a/b/inside.png"), to: RawPath("../moved.png")) }
        #expect(FileManager.default.fileExists(atPath: box.root + "/a/b/inside.png"))
    }

    @Test("a symlink at any depth is refused, never followed", arguments: resolutions)
    func symlinksRefusedAtEveryDepth(_ resolution: Directory.Resolution) throws {
        let box = try Sandbox()
        box.link(box.outside, at: "top")
        box.link(box.outside, at: "a/mid")
        box.link(box.outside, at: "a/b/deep")
        box.link(box.outside + "/secret.png", at: "a/b/file.png")
        let root = try Directory.open(path: box.root, resolution: resolution)
        for name in ["top/secret.png", "a/mid/secret.png", "a/b/deep/secret.png", "a/b/file.png"] {
            let error = #expect(throws: FileSystemError.self, "\(name)") { try root.readFile(RawPath(name)) }
            #expect(error?.errno == .tooManySymbolicLinks || error?.errno == .notDirectory, "\(name): \(String(describing: error))")
        }
        #expect(throws: FileSystemError.self) { try root.openDirectory(RawPath("a/mid")) }
        // Creating, renaming and removing through a symlinked folder fail too; the outside is untouched.
        #expect(throws: FileSystemError.self) { try root.makeDirectories(RawPath("top/new")) }
        #expect(throws: FileSystemError.self) { try root.rename(RawPath("a/b/inside.png"), to: RawPath("a/mid/stolen.png")) }
        #expect(throws: FileSystemError.self) { try root.remove(RawPath("a/mid/secret.png")) }
        #expect(throws: FileSystemError.self) { try root.writeFileAtomically(Array("x".utf8), to: RawPath("top/planted.png")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.outside) == ["secret.png"])
        // The link itself is seen as a link, and can be moved aside as one.
        #expect(try root.status(RawPath("a/b/file.png"))?.kind == .symbolicLink)
        #expect(try root.status(RawPath("top/secret.png")) == nil, "a name through a symlinked folder names nothing")
        try root.rename(RawPath("a/b/file.png"), to: RawPath("file-aside"))
        #expect(try root.status(RawPath("file-aside"))?.kind == .symbolicLink)
    }

    @Test("a folder replaced by a symlink between listing and opening is not entered", arguments: resolutions)
    func folderSwappedAfterListing(_ resolution: Directory.Resolution) throws {
        let box = try Sandbox()
        let root = try Directory.open(path: box.root, resolution: resolution)
        let names = try root.entries()
        #expect(names.contains(RawPath("a")))
        #expect(try root.status(RawPath("a"))?.kind == .directory)
        // Now a group member swaps it.
        rename(box.root + "/a", box.root + "/a-real")
        box.link(box.outside, at: "a")
        let error = #expect(throws: FileSystemError.self) { try root.openDirectory(RawPath("a")) }
        #expect(error?.errno == .tooManySymbolicLinks || error?.errno == .notDirectory)
        #expect(throws: FileSystemError.self) { try root.openFile(RawPath("a/secret.png"), .read) }
    }

    @Test("a descriptor keeps naming its folder after the folder is renamed", arguments: resolutions)
    func descriptorFollowsTheFolder(_ resolution: Directory.Resolution) throws {
        let box = try Sandbox()
        let root = try Directory.open(path: box.root, resolution: resolution)
        let b = try root.openDirectory(RawPath("a/b"))
        rename(box.root + "/a", box.root + "/renamed")
        #expect(try b.readFile(RawPath("inside.png")) == Array("inside".utf8))
    }

    @Test("rename never replaces unless asked; atomic writes leave the old or the new file", arguments: resolutions)
    func renameAndAtomicWrite(_ resolution: Directory.Resolution) throws {
        let box = try Sandbox()
        let root = try Directory.open(path: box.root, resolution: resolution)
        try root.writeFileAtomically(Array("one".utf8), to: RawPath("a/x.txt"))
        try root.writeFileAtomically(Array("two".utf8), to: RawPath("a/y.txt"))
        let error = #expect(throws: FileSystemError.self) { try root.rename(RawPath("a/x.txt"), to: RawPath("a/y.txt")) }
        #expect(error?.errno == .fileExists)
        #expect(try root.readFile(RawPath("a/y.txt")) == Array("two".utf8))
        try root.rename(RawPath("a/x.txt"), to: RawPath("a/y.txt"), replacing: true)
        #expect(try root.readFile(RawPath("a/y.txt")) == Array("one".utf8))
        try root.writeFileAtomically(Array("three".utf8), to: RawPath("a/y.txt"))
        #expect(try root.readFile(RawPath("a/y.txt")) == Array("three".utf8))
        #expect(try root.openDirectory(RawPath("a")).entries().map(\.display).sorted() == ["b", "y.txt"], "no temporary file left")
        let created = try root.makeDirectories(RawPath("n1/n2/n3"))
        #expect(created.map(\.display) == ["n1", "n1/n2", "n1/n2/n3"])
        #expect(try root.makeDirectories(RawPath("n1/n2")).isEmpty)
    }

    @Test("errno is captured into the error: a missing file says ENOENT, a read limit says EFBIG")
    func typedErrors() throws {
        let box = try Sandbox()
        let root = try Directory.open(path: box.root)
        let missing = #expect(throws: FileSystemError.self) { try root.readFile(RawPath("a/none.png")) }
        #expect(missing?.errno == .noSuchFile)
        #expect(missing?.path == box.root + "/a/none.png")
        let big = #expect(throws: FileSystemError.self) { try root.readFile(RawPath("a/b/inside.png"), limit: 3) }
        #expect(big?.errno == Errno(rawValue: EFBIG))
        #expect(try root.status(RawPath("a/none.png")) == nil)
    }

    @Test("open(path:creating:) makes missing parents, as mkdir -p does (import-idx --out new/nested)")
    func creatingMakesParents() throws {
        let sandbox = try Sandbox()
        let nested = sandbox.outside + "/new/nested/out"
        let made = try Directory.open(path: nested, creating: true)
        try made.writeFileAtomically(Array("x".utf8), to: RawPath("x.txt"))
        #expect(FileManager.default.fileExists(atPath: nested + "/x.txt"))
        // An existing folder is opened as it is.
        #expect(try Directory.open(path: nested, creating: true).entries().map(\.display) == ["x.txt"])
    }
}
