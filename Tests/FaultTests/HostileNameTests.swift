import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension Faults {
    /// Scenario 3: names no one should use, and symlinks that point out of the inbox.
    @Suite("Hostile names") struct HostileNames {
        static let fileNames: [[UInt8]] = [
            Array("new\nline.png".utf8), Array("quo\"te.png".utf8), Array("apos'trophe.png".utf8), Array("back\\slash.png".utf8),
            Array("ctl\u{01}\u{1b}[31m\u{7f}.png".utf8), Array("tab\there\r.png".utf8), Array("-leading-dash.png".utf8),
            Array("--help".utf8), Array("\u{2028}separator\u{2029}.png".utf8), Array("spaces  and {}[],:.png".utf8),
            Array("bad".utf8) + [0xFF, 0xFE] + Array("utf8.png".utf8), [0xC3, 0x28, 0xA0, 0xA1] + Array(".png".utf8),
            Array(repeating: UInt8(ascii: "x"), count: 251) + Array(".png".utf8),
            Array(repeating: UInt8(ascii: "y"), count: 252) + [0xE9] + Array(".p".utf8),
        ]
        static let labelNames: [[UInt8]] = [
            Array("lab\nel".utf8), Array("l\"q".utf8), Array("l\\b".utf8), Array("l\u{02}c".utf8), Array("-dash".utf8),
            Array(repeating: UInt8(ascii: "z"), count: 255),
        ]

        @Test(
            "every outbox line parses with python3's json; invalid UTF-8 names round-trip through file_bytes; nothing outside the root is read or written"
        )
        func hostileNamesAndSymlinks() throws {
            let scratch = try Scratch("names")
            let root = try Root(scratch)
            try root.train()
            // Outside the root: a file and a folder with a PNG, which symlinks in the inbox point at.
            let outside = scratch.path + "/outside"
            try Files.makeFolder(outside)
            try Files.makeFolder(outside + "/label")
            try Files.write(Images.png(424242), to: outside + "/target.png")
            try Files.write(Images.png(434343), to: outside + "/label/inside.png")
            let outsideBefore = Files.snapshot(outside)
            let targetBytes = try? Files.read(outside + "/target.png")

            for name in Self.fileNames { try root.drop(name) }
            for (i, label) in Self.labelNames.enumerated() {
                try root.drop(label + Array("/a\(i).png".utf8))
                try root.drop(label + Array("/b\(i)\n".utf8) + [0xFF] + Array(".png".utf8))
            }
            // A label folder whose name is not UTF-8: its files are rejected (bad_label).
            let badLabel: [UInt8] = Array("inv".utf8) + [0xC3, 0x28]
            try root.drop(badLabel + Array("/f.png".utf8))
            // A file that is in the inbox twice under a 255-byte name: the second archive name must still fit.
            let long = Self.fileNames[12]
            // Symlinks: to a file outside, a label folder outside, loops, a dangling one, one inside a label.
            let inbox = Files.bytes(root.inbox + "/")
            let links: [[UInt8]] = [
                Array("link.png".utf8), Array("alpha/link.png".utf8), Array("linked-label".utf8),
                Array("loop1".utf8), Array("loop2".utf8), Array("alpha/self".utf8), Array("dangling.png".utf8),
            ]
            try Files.symlink(Files.bytes(outside + "/target.png"), at: inbox + links[0])
            try Files.makeFolder(inbox + Array("alpha".utf8))
            try Files.symlink(Files.bytes(outside + "/target.png"), at: inbox + links[1])
            try Files.symlink(Files.bytes(outside + "/label"), at: inbox + links[2])
            try Files.symlink(Array("loop2".utf8), at: inbox + links[3])
            try Files.symlink(Array("loop1".utf8), at: inbox + links[4])
            try Files.symlink(Array("self".utf8), at: inbox + links[5])
            try Files.symlink(Array("/nonexistent/nowhere.png".utf8), at: inbox + links[6])
            for link in links { root.inputs.append(Input(relative: link, content: [])) }

            let run = try MCND.once(root.path, scratch: scratch.url)
            #expect(run.succeeded, "\(run.transcript)")
            // The same long name again, now that archive/predicted/ holds one.
            try root.drop(long)
            let second = try MCND.once(root.path, scratch: scratch.url)
            #expect(second.succeeded, "a 255-byte name seen twice: \(second.transcript)")
            // The long name was an input twice: two predictions, checked below; every other input once.
            try checkInvariant(root.inputs.filter { $0.relative != long }, root: root.path, final: true)
            #expect(!Files.exists(Files.bytes(root.inbox + "/") + long))

            let outcomes = try Outcomes.of(root.path)
            for name in Self.fileNames {
                #expect(outcomes.predicted[hex(name)] != nil, "\(String(decoding: name, as: UTF8.self).debugDescription) predicted")
            }
            #expect(outcomes.predicted[hex(long)] == 2)
            #expect(outcomes.rejected[hex(badLabel + Array("/f.png".utf8))] == ["bad_label"])
            for link in links {
                #expect(outcomes.rejected[hex(link)] == ["symlink"], "\(String(decoding: link, as: UTF8.self)) rejected as a symlink")
                let moved = Files.status(Files.bytes(root.path + "/rejected/") + link)
                #expect(moved.map { $0.st_mode & S_IFMT == S_IFLNK } == true, "moved aside as the link itself")
            }
            // `file_bytes` appears exactly for names that are not UTF-8, and decodes to the name.
            for pair in outcomes.namePairs {
                guard let file = pair[0] else { continue }
                if let bytesHex = pair.count > 1 ? pair[1] : nil {
                    let decoded = stride(from: 0, to: bytesHex.count, by: 2).compactMap {
                        UInt8(
                            bytesHex[
                                bytesHex.index(bytesHex.startIndex, offsetBy: $0)..<bytesHex.index(bytesHex.startIndex, offsetBy: $0 + 2)],
                            radix: 16)
                    }
                    #expect(
                        String(validating: decoded, as: UTF8.self) == nil, "file_bytes only for invalid UTF-8: \(file.debugDescription)")
                    #expect(String(decoding: decoded, as: UTF8.self) == file, "`file` is the name with U+FFFD: \(file.debugDescription)")
                    #expect(root.inputs.contains { $0.relative == decoded }, "file_bytes decodes to an input's exact name: \(bytesHex)")
                }
            }
            let invalid = root.inputs.filter {
                String(validating: $0.relative, as: UTF8.self) == nil && !$0.labeled || $0.relative.starts(with: badLabel)
            }
            for input in invalid {
                #expect(
                    outcomes.namePairs.contains { $0.count > 1 && $0[1] == hex(input.relative) },
                    "\(input.display.debugDescription) has file_bytes")
            }

            // Outside the root nothing changed: same files, sizes, times; the target's bytes intact.
            #expect(Files.snapshot(outside) == outsideBefore, "nothing outside the root was written, moved or created")
            #expect((try? Files.read(outside + "/target.png")) == targetBytes)
            let stray = Set(Files.names(in: Files.bytes(scratch.path)).map { String(decoding: $0, as: UTF8.self) })
                .filter { !$0.hasPrefix("child-") }
            #expect(stray == ["root", "outside"], "nothing new beside the root: \(stray)")
        }
    }
}
