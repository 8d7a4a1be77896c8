import Foundation
import Glibc
import MCNDFileSystem
import Testing

@Suite("OpenFolders and RawPath") struct OpenFoldersTests {
    @Test("staysBeneath and lastComponent agree with splitting the path")
    func pathChecksWithoutSplitting() {
        let cases: [(String, Bool, String)] = [
            ("a/b.png", true, "b.png"), ("b.png", true, "b.png"), ("a//b", true, "b"), ("a/b/", true, "b"),
            ("..", false, ".."), ("a/../b", false, "b"), ("./a", false, "a"), ("a/.", false, "."), ("/a", false, "a"),
            ("...", true, "..."), ("a/..b", true, "..b"), (".hidden", true, ".hidden"), ("", true, ""),
        ]
        for (path, beneath, last) in cases {
            #expect(RawPath(path).staysBeneath == beneath, "\(path)")
            #expect(RawPath(path).lastComponent == Array(last.utf8), "\(path)")
        }
        #expect(!RawPath([UInt8(ascii: "a"), 0, UInt8(ascii: "b")]).staysBeneath)
    }

    @Test("a folder swapped for a symlink after it was opened: the batch's moves stay beneath the root")
    func swappedFolderDoesNotRedirect() throws {
        let sandbox = try Sandbox()
        let root = try Directory.open(path: sandbox.root)
        mkdir(sandbox.root + "/dest", 0o755)
        let folders = OpenFolders(root: root)
        _ = FileManager.default.createFile(atPath: sandbox.root + "/a/one.png", contents: Data("1".utf8))
        _ = FileManager.default.createFile(atPath: sandbox.root + "/a/two.png", contents: Data("2".utf8))
        try folders.rename(RawPath("a/one.png"), to: RawPath("dest/one.png"))
        // Someone swaps dest/ for a symlink to the outside while the batch goes on.
        rename(sandbox.root + "/dest", sandbox.root + "/dest-old")
        symlink(sandbox.outside, sandbox.root + "/dest")
        try folders.rename(RawPath("a/two.png"), to: RawPath("dest/two.png"))
        #expect(!FileManager.default.fileExists(atPath: sandbox.outside + "/two.png"))
        #expect(FileManager.default.fileExists(atPath: sandbox.root + "/dest-old/two.png"))
        // A new batch resolves again and refuses the symlink.
        #expect(throws: FileSystemError.self) { try OpenFolders(root: root).rename(RawPath("dest-old/two.png"), to: RawPath("dest/x.png")) }
        #expect(try OpenFolders(root: root).status(RawPath("dest/secret.png")) == nil)
    }
}
