import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension Faults {
    /// Issue 18: a writer sets a file's time (or mode, owner, xattr) just after closing it, while
    /// mcnd is between deciding the file's outcome and moving it. The file is still the input that
    /// was decided: one outcome, moved once.
    @Suite("Touched after close") struct Touched {
        /// 600 inputs (every fifth one labeled): 420 get their mtime set, 60 each a chmod, chown, xattr.
        static func inputs(_ root: Root, tag: String) -> [Input] {
            (0..<600).map { i in
                let relative = i % 5 == 4 ? "\(i % 2 == 0 ? "alpha" : "beta")/\(tag)-\(i).png" : "\(tag)-\(i).png"
                return Input(relative: Files.bytes(relative), content: root.nextImage())
            }
        }

        /// One line per request, one example per labeled input, each archived exactly once, nothing left.
        static func check(_ inputs: [Input], root: Root, writer: TouchingWriter, what: String) throws {
            let outcomes = try Outcomes.of(root.path)
            let requests = inputs.filter { !$0.labeled }
            let doubled = requests.filter { (outcomes.predicted[hex($0.relative)] ?? 0) > 1 }
            print("\(what): \(doubled.count) of \(requests.count) requests got two or more prediction lines; changes: \(writer.report)")
            let names = doubled.map(\.display)
            #expect(names.isEmpty, "\(doubled.count) requests got two lines")
            try checkInvariant(inputs, root: root.path, final: true)
            var expected: Set<[UInt8]> = []
            for input in inputs { expected.insert(Files.bytes(input.labeled ? "labeled/" : "predicted/") + input.relative) }
            let archived = Files.entries(under: root.path + "/archive").filter {
                !$0.starts(with: Files.bytes("labeled/alpha/seed")) && !$0.starts(with: Files.bytes("labeled/beta/seed"))
            }
            #expect(
                archived == expected,
                "archived once each: extra \(archived.subtracting(expected).prefix(5).map { String(decoding: $0, as: UTF8.self) }), missing \(expected.subtracting(archived).count)"
            )
            #expect(writer.attempted(.utime) + writer.attempted(.utimeTwice) >= 400, "at least 400 files utime'd: \(writer.report)")
        }

        @Test(
            "600 files written in place, utime'd (chmod'ed, chown'ed, xattr'ed) 0–15 ms after close, against the daemon: one outcome each, archived once"
        )
        func againstTheDaemon() throws {
            let scratch = try Scratch("touch-daemon")
            let root = try Root(scratch)
            try root.train()
            // A short rescan interval: an input left behind is found (and decided again) within seconds.
            // Review off: this test is about where each file ends, archive/ (the review loop would route some to review/).
            let daemon = try MCND.start(
                [
                    "--root", root.path, "--set", "review.target_precision=0", "--set", "watch.rescan_seconds=2", "--set", "train.epochs=2",
                    "--set", "train.min_steps=0", "--set", "train.cross_validation_below=0", "--set", "train.refit_below=0",
                    "--set", "train.units=16", "--set", "train.quiet_seconds=60",
                ], scratch: scratch.url)
            defer { daemon.stop() }
            #expect(
                try eventually(timeout: 30) { (try Outcomes.of(root.path, database: false)).events["started"] == 1 }, "\(daemon.transcript)"
            )
            let inputs = Self.inputs(root, tag: "d")
            root.inputs += inputs
            let writer = TouchingWriter()
            writer.start(inputs, inbox: root.inbox, viaRename: false)
            #expect(try eventually(timeout: 120) { writer.finished }, "the writer finished")
            // Settled leftovers (if any) are found by the 2 s rescan; give it a few rounds.
            #expect(try eventually(timeout: 60) { Files.entries(under: root.inbox).isEmpty }, "inbox empty: \(daemon.transcript)")
            usleep(5_000_000)
            daemon.stop()
            #expect(daemon.succeeded, "\(daemon.transcript)")
            try Self.check(inputs, root: root, writer: writer, what: "daemon")
        }

        @Test("600 files renamed into place and utime'd (…) 0–15 ms later while `--once` runs in a loop: one outcome each, no duplicate")
        func againstOnceInALoop() throws {
            let scratch = try Scratch("touch-once")
            let root = try Root(scratch)
            try root.train()
            let inputs = Self.inputs(root, tag: "o")
            root.inputs += inputs
            let writer = TouchingWriter()
            writer.start(inputs, inbox: root.inbox, viaRename: true)
            var runs = 0, duplicateRuns: [String] = []
            // Two quiet passes after the writer is done take whatever is left.
            var quiet = 0
            while quiet < 2 {
                if writer.finished { quiet += 1 }
                let run = try MCND.once(root.path, scratch: scratch.url, ["train.min_labels=99", "review.target_precision=0"])
                runs += 1
                #expect(run.succeeded, "\(run.transcript)")
                if run.stdout.contains("duplicate") { duplicateRuns.append(run.stdout) }
            }
            print("--once ran \(runs) times; \(duplicateRuns.count) reported a duplicate")
            #expect(duplicateRuns.isEmpty, "a touched example came back as a duplicate: \(duplicateRuns.prefix(3))")
            try Self.check(inputs, root: root, writer: writer, what: "--once loop")
        }
        /// The JSON objects of an outbox file.
        static func lines(_ path: String) -> [[String: Any]] {
            ((try? Files.read(path)) ?? []).split(separator: 10).compactMap {
                try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
            }
        }

        /// Writes journal rows as mcnd does after it appended an outcome's line and before it
        /// moved the input (a crash there), with python3's sqlite3. Each row: source, sha256,
        /// outcome, line (or empty), destination, identity `dev:ino:size:mtime_ns`.
        static let journalScript = #"""
            import json, sqlite3, sys
            db, rows = sys.argv[1], json.loads(sys.argv[2])
            c = sqlite3.connect(db)
            for r in rows:
                offset = None
                if r["line"]:
                    offset = r["offset"]
                c.execute("INSERT INTO journal (source, sha256, outcome, outbox, offset, line, destination, identity, created) VALUES (?,?,?,?,?,?,?,?,?)",
                          (r["source"].encode(), r["sha256"], r["outcome"], "predictions.jsonl" if r["line"] else None, offset,
                           r["line"].encode() if r["line"] else None, r["destination"].encode(), r["identity"], "2021-01-01T00:00:00.000Z"))
            if any(r["outcome"] == "example" for r in rows):
                label = c.execute("SELECT idx FROM labels WHERE name = 'alpha'").fetchone()[0]
                for r in rows:
                    if r["outcome"] == "example":
                        c.execute("INSERT INTO examples (sha256, label_idx, split, width, height, channels, pixels, original_name, added) VALUES (?,?,?,?,?,?,?,?,?)",
                                  (r["sha256"], label, "train", 28, 28, 1, bytes(784), r["source"][6:], "2021-01-01T00:00:00.000Z"))
            c.commit()
            """#

        @Test(
            "a crash after the lines, the inputs touched (or rewritten) before the restart: a touched input is moved with no second outcome, a rewritten one is a new input"
        )
        func recoveryAfterTouch() throws {
            let scratch = try Scratch("touch-recover")
            let root = try Root(scratch)
            try root.train()
            let touched = try root.drop("touched.png"), example = try root.drop("alpha/touched.png"),
                rewritten = try root.drop("rewritten.png")
            var rows: [[String: Any]] = []
            var offset = Files.status(Files.bytes(root.outbox + "/predictions.jsonl")).map { Int($0.st_size) } ?? 0
            var lines = ""
            for (input, outcome) in [(touched, "predicted"), (example, "example"), (rewritten, "predicted")] {
                guard let st = Files.status(Files.bytes(root.inbox + "/") + input.relative) else {
                    throw TestFailure("no \(input.display)")
                }
                let identity =
                    "\(st.st_dev):\(st.st_ino):\(st.st_size):\(Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))"
                let sha = SHA256.hex(input.content)
                let line =
                    outcome == "predicted"
                    ? #"{"file":"\#(input.display)","sha256":"\#(sha)","label":"alpha","recovered":true}"# + "\n" : ""
                rows.append([
                    "source": "inbox/" + input.display, "sha256": sha, "outcome": outcome, "line": line, "offset": offset,
                    "destination": (outcome == "example" ? "archive/labeled/" : "archive/predicted/") + input.display,
                    "identity": identity,
                ])
                offset += line.utf8.count
                lines += line
            }
            guard let python = Shell.which(["python3"]) else { throw TestFailure("python3 is needed") }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: rows), as: UTF8.self)
            let wrote = try Shell.run([python, "-c", Self.journalScript, root.path + "/state/mcnd.sqlite", json])
            #expect(wrote.status == 0, "\(wrote.stderr)")
            // The crash came after the lines were appended; then the writer touched two files and rewrote one.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: root.outbox + "/predictions.jsonl"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(lines.utf8))
            try handle.close()
            #expect(Touch.setTimes(root.inbox + "/touched.png", Touch.oldTime(1)))
            #expect(Touch.setTimes(root.inbox + "/alpha/touched.png", Touch.oldTime(2)))
            let other = root.nextImage()
            let fd = open(root.inbox + "/rewritten.png", O_WRONLY | O_TRUNC)
            try Files.writeAll(fd, other[...], path: "rewritten.png")
            close(fd)

            let run = try MCND.once(root.path, scratch: scratch.url, ["train.min_labels=99", "review.target_precision=0"])
            #expect(run.succeeded, "\(run.transcript)")
            #expect(!run.stdout.contains("duplicate"), "the touched example is the example already recorded: \(run.stdout)")
            let outcomes = try Outcomes.of(root.path)
            #expect(outcomes.predicted[hex(touched.relative)] == 1, "one line for the touched request: \(outcomes.predicted)")
            #expect(
                Files.exists(root.path + "/archive/predicted/touched.png") && Files.exists(root.path + "/archive/labeled/alpha/touched.png")
            )
            // The rewritten file is another input: the recorded line stays, the new content gets its own.
            #expect(outcomes.predicted[hex(rewritten.relative)] == 2, "\(outcomes.predicted)")
            let shas = Self.lines(root.outbox + "/predictions.jsonl").filter { $0["file"] as? String == "rewritten.png" }.compactMap {
                $0["sha256"] as? String
            }
            #expect(shas == [SHA256.hex(rewritten.content), SHA256.hex(other)], "\(shas)")
            #expect(Files.entries(under: root.inbox).isEmpty)
        }
    }
}
