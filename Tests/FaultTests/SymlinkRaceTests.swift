import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension Faults {
    /// Issue 10: a group member swaps names in the root for symlinks to folders outside it while mcnd works.
    @Suite("Symlink races") struct SymlinkRaces {
        /// Outside the root: marked images in a folder and a file, and a folder for a swapped archive folder.
        struct Outside {
            let path: String
            let marked: Set<String>
            let before: [String: String]

            init(_ scratch: Scratch) throws {
                path = scratch.path + "/outside"
                var marked: Set<String> = []
                for folder in ["", "/label", "/archive"] { try Files.makeFolder(path + folder) }
                for i in 0..<12 {
                    let image = Images.png(7_000_000 + UInt64(i))
                    try Files.write(image, to: path + "/label/marked-\(i).png")
                    marked.insert(SHA256.hex(image))
                }
                let top = Images.png(7_100_000)
                try Files.write(top, to: path + "/marked-top.png")
                marked.insert(SHA256.hex(top))
                self.marked = marked
                before = Files.snapshot(path)
            }

            /// Every way the outside could have leaked in or been touched, as text (empty: none).
            func breaches(root: String) throws -> [String] {
                var out: [String] = []
                let after = Files.snapshot(path)
                for name in Set(after.keys).union(before.keys) where after[name] != before[name] {
                    let what = after[name] == nil ? "gone" : before[name] == nil ? "created" : "changed"
                    out.append("outside/\(String(decoding: Self.unhex(name), as: UTF8.self)) \(what)")
                }
                for line in ["predictions.jsonl", "events.jsonl"].flatMap({
                    (try? String(contentsOfFile: root + "/outbox/" + $0, encoding: .utf8))?
                        .split(separator: "\n") ?? []
                }) where marked.contains(where: { line.contains($0) }) {
                    out.append("outbox line with outside content: \(line.prefix(160))")
                }
                for folder in ["archive", "rejected"] {
                    for entry in Files.entries(under: root + "/" + folder) {
                        let full = Files.bytes(root + "/" + folder + "/") + entry
                        guard let st = Files.status(full), st.st_mode & S_IFMT == S_IFREG,
                            let bytes = try? Files.read(String(decoding: full, as: UTF8.self))
                        else { continue }
                        if marked.contains(SHA256.hex(bytes)) {
                            out.append("outside content in \(folder)/\(String(decoding: entry, as: UTF8.self))")
                        }
                    }
                }
                let examples = try Outcomes.of(root).exampleSet
                let leaked = examples.intersection(marked)
                if !leaked.isEmpty { out.append("\(leaked.count) outside images became examples") }
                return out
            }

            static func unhex(_ text: String) -> [UInt8] {
                var out: [UInt8] = []
                var i = text.startIndex
                while let j = text.index(i, offsetBy: 2, limitedBy: text.endIndex), i < text.endIndex {
                    out.append(UInt8(text[i..<j], radix: 16) ?? 0x3F)
                    i = j
                }
                return out
            }
        }

        /// A trained root, its `Shoes` label folder and `archive/labeled/Shoes` real, a top-level request, and
        /// a swapper flipping all three to symlinks into `outside`.
        static func prepare(_ scratch: Scratch) throws -> (Root, Outside, SymlinkSwapper) {
            let root = try Root(scratch)
            try root.train()
            let outside = try Outside(scratch)
            try root.drop("Shoes/first.png")
            try Files.makeFolder(root.path + "/archive/labeled/Shoes")
            try root.drop("top.png")
            let swapper = try SymlinkSwapper(
                [
                    (path: root.inbox + "/Shoes", outside: outside.path + "/label", feeds: true),
                    (path: root.inbox + "/top.png", outside: outside.path + "/marked-top.png", feeds: true),
                    (path: root.path + "/archive/labeled/Shoes", outside: outside.path + "/archive", feeds: false),
                ], seed: 8_000_000)
            return (root, outside, swapper)
        }

        static let settings = [
            "--set", "settle_seconds=0", "--set", "train.epochs=1", "--set", "train.min_steps=0", "--set", "train.cross_validation_below=0",
            "--set", "train.refit_below=0",
            "--set", "train.units=8",
            "--set", "train.min_interval_seconds=0",
        ]

        @Test(
            "300 × `mcnd --once` while a label folder, a top-level entry and archive/labeled/<label> flip to symlinks out of the root: nothing outside is read, changed or created"
        )
        func onceUnderSwaps() throws {
            let scratch = try Scratch("symlink-once")
            let (root, outside, swapper) = try Self.prepare(scratch)
            swapper.start()
            var statuses: [Int32: Int] = [:]
            var crashes: [String] = []
            for _ in 0..<300 {
                let run = try MCND.run(["--root", root.path, "--once"] + Self.settings, scratch: scratch.url, timeout: 120)
                if let exit = run.poll() {
                    if exit.signaled { crashes.append(run.transcript) } else { statuses[exit.status, default: 0] += 1 }
                }
            }
            swapper.finish()
            let breaches = try outside.breaches(root: root.path)
            print("symlink race, --once: 300 rounds, \(swapper.swaps) swaps, exit statuses \(statuses), \(breaches.count) breaches")
            #expect(swapper.swaps >= 600, "the swapper kept swapping")
            #expect(crashes.isEmpty, "mcnd crashed: \(crashes.prefix(2))")
            #expect(breaches.isEmpty, "\(breaches.prefix(10))")
        }

        @Test("the daemon for 20 s while the same names flip to symlinks out of the root: nothing outside is read, changed or created")
        func daemonUnderSwaps() throws {
            let scratch = try Scratch("symlink-daemon")
            let (root, outside, swapper) = try Self.prepare(scratch)
            let daemon = try MCND.start(["--root", root.path] + Self.settings + ["--set", "watch.rescan_seconds=1"], scratch: scratch.url)
            defer { daemon.stop() }
            swapper.start()
            let started = monotonic()
            while monotonic() - started < 20 {
                usleep(200_000)
                if !daemon.isRunning { break }
            }
            swapper.finish()
            #expect(daemon.isRunning, "the daemon keeps running: \(daemon.transcript)")
            daemon.stop()
            let breaches = try outside.breaches(root: root.path)
            print("symlink race, daemon: 20 s, \(swapper.swaps) swaps, \(breaches.count) breaches")
            #expect(swapper.swaps >= 1000, "the swapper kept swapping")
            #expect(breaches.isEmpty, "\(breaches.prefix(10))")
        }
    }
}
