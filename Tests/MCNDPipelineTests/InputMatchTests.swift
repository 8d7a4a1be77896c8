import Foundation
import MCNDPipeline
import Testing

/// The journal's check that the file at an input's path is still the input it
/// decided, across a disk that came back (power loss, reboot, FUSE remount)
/// with another device number: the row's identity then names the old one.
@Suite("Input match across a renumbered disk") struct InputMatchTests {
    @Test("the same content at the path, on a disk with another device number, is the decided input")
    func renumberedDisk() throws {
        let root = try TemporaryRoot("input-match")
        let bytes = Array("an input's bytes".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: root.path + "/input.png"))
        let directory = try Directory.open(path: root.path)
        let path = RawPath(Array("input.png".utf8))
        let now = FileIdentity(try #require(try directory.status(path)))
        // As recorded before the remount: the same inode number, size and time, another device.
        let before = FileIdentity(device: now.device &+ 1, inode: now.inode, size: now.size, modified: now.modified)
        #expect(InputMatch.check(path, in: directory, decided: before, sha256: ContentHash.hex(bytes)).isSame)
        // Other content, or no hash to tell, is another input.
        #expect(!InputMatch.check(path, in: directory, decided: before, sha256: ContentHash.hex(bytes + [1])).isSame)
        #expect(!InputMatch.check(path, in: directory, decided: before, sha256: nil).isSame)
        // The inode numbers of another mount mean nothing: a renumbered inode with the same content is the input too.
        let renumbered = FileIdentity(device: now.device &+ 1, inode: now.inode &+ 7, size: now.size, modified: now.modified)
        #expect(InputMatch.check(path, in: directory, decided: renumbered, sha256: ContentHash.hex(bytes)).isSame)
    }
}
