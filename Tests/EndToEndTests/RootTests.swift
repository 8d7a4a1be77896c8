import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// The root's lock, and decisions made on content: duplicates and conflicts.
    @Suite("Locking and content decisions") struct RootTests {
        /// A small labeled inbox: `perClass` training images of each class in `classes`.
        func fill(_ inbox: URL, classes: [Int], perClass: Int, skip: Int = 0) throws -> [String: [UInt8]] {
            let train = try Fashion.trainSplit()
            var files: [String: [UInt8]] = [:]
            for i in train.stratified(perClass: perClass, classes: classes, skip: skip) {
                files["\(Fashion.name(train.label(i)))/\(i).png"] = try train.png(i)
            }
            for (name, bytes) in files { try Files.drop(bytes, into: inbox, as: name) }
            return files
        }

        /// Everything under the root but the lock file: path → (size, mtime).
        func tree(_ root: String) -> [String: String] {
            var out: [String: String] = [:]
            for file in Files.regularFiles(under: URL(fileURLWithPath: root)) where file != "state/lock" {
                var st = stat()
                lstat(root + "/" + file, &st)
                out[file] = "\(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
            }
            return out
        }

        @Test func aSecondMCNDOnALockedRootSaysWhoAndTouchesNothing() throws {
            let scratch = try Scratch("lock")
            let root = scratch.appending("root").path
            let inbox = scratch.appending("root/inbox")
            try MCND.succeed(["init", root], scratch: scratch.url)
            _ = try fill(inbox, classes: [0, 1], perClass: 5)
            let test = try Fashion.testSplit()
            try Files.drop(try test.png(0), into: inbox, as: "query.png")
            try Files.drop(Array("not a png".utf8), into: inbox, as: "bad.png")

            // Hold the lock the way a running mcnd does: flock on state/lock, our pid inside.
            let fd = open(root + "/state/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            try #require(fd >= 0)
            try #require(flock(fd, LOCK_EX | LOCK_NB) == 0)
            _ = ftruncate(fd, 0)
            let pid = "\(getpid())\n"
            _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }

            let before = tree(root)
            for arguments in [
                ["--root", root, "--once", "--set", "settle_seconds=0"], ["train", "--root", root, "--set", "settle_seconds=0"],
            ] {
                let busy = try MCND.run(arguments, scratch: scratch.url)
                #expect(!busy.succeeded, "\(busy)")
                #expect(busy.stderr.contains("another mcnd (pid \(getpid())) holds \(root)"), "\(busy)")
                #expect(busy.stderr.split(separator: "\n").count == 1, "not a one-line reason: \(busy)")
                #expect(tree(root) == before, "mcnd changed the root while another process held it")
            }

            // Released, the same command does the work.
            flock(fd, LOCK_UN)
            close(fd)
            try MCND.succeed(
                [
                    "--root", root, "--once", "--set", "settle_seconds=0", "--set", "train.epochs=2", "--set", "train.min_steps=0", "--set",
                    "train.cross_validation_below=0", "--set", "train.refit_below=0",
                    "--set", "review.target_precision=0",
                ], scratch: scratch.url)
            #expect(Files.regularFiles(under: inbox).isEmpty)
            #expect(Files.exists(root + "/archive/predicted/query.png") && Files.exists(root + "/rejected/bad.png"))
        }

        @Test func aRunningOnceHoldsTheRootAgainstASecondOne() throws {
            let scratch = try Scratch("busy")
            let root = scratch.appending("root").path
            try MCND.succeed(["init", root], scratch: scratch.url)
            _ = try fill(scratch.appending("root/inbox"), classes: [0, 1], perClass: 10)
            // A run long enough to still hold the root when the second one starts.
            let first = try MCND.start(
                [
                    "--root", root, "--once", "--set", "settle_seconds=0", "--set", "train.epochs=1000000", "--set", "train.min_steps=0",
                    "--set", "train.cross_validation_below=0", "--set", "train.refit_below=0",
                ],
                scratch: scratch.url)
            defer { if first.isRunning { _ = first.kill(after: 0) } }
            // It holds the lock from before its first event until it exits; wait for training to start.
            let deadline = monotonic() + 120
            while first.isRunning, monotonic() < deadline,
                !((try? String(contentsOfFile: root + "/outbox/events.jsonl", encoding: .utf8)) ?? "").contains("run_started")
            {
                usleep(5_000)
            }
            try #require(first.isRunning, "the first mcnd exited before it started training")
            let second = try MCND.run(["--root", root, "--once", "--set", "settle_seconds=0"], scratch: scratch.url)
            #expect(!second.succeeded, "\(second)")
            #expect(second.stderr.contains("another mcnd (pid \(first.pid)) holds \(root)"), "\(second)")
            let ended = first.kill(after: 0)
            #expect(ended.killed, "the first mcnd was expected to be still training: \(ended.result)")
        }

        @Test func sameContentIsOneExampleAndTwoLabelsAreAConflict() throws {
            let scratch = try Scratch("content")
            let root = scratch.appending("root").path
            let inbox = scratch.appending("root/inbox")
            try MCND.succeed(["init", root], scratch: scratch.url)
            let train = try Fashion.trainSplit()
            let img = try (0..<4).map { try train.png(train.stratified(perClass: 4, classes: [3])[$0]) }
            // One drop: a copy under the same label, and content already in A dropped under B
            // (paths are handled in byte order, so A/… is seen first).
            let first: [String: [UInt8]] = [
                "A/one.png": img[0], "A/one-copy.png": img[0], "A/two.png": img[1],
                "B/three.png": img[2], "B/four.png": img[3], "B/two-again.png": img[1],
            ]
            for (name, bytes) in first { try Files.drop(bytes, into: inbox, as: name) }
            let once = try MCND.succeed(
                [
                    "--root", root, "--once", "--set", "settle_seconds=0", "--set", "train.epochs=2", "--set", "train.min_steps=0", "--set",
                    "train.cross_validation_below=0", "--set", "train.refit_below=0",
                ],
                scratch: scratch.url)
            var status = try StatusRecord.of(root: root, scratch: scratch.url)
            #expect(status.status.examplesPerLabel == ["A": 2, "B": 2], "\(once)")
            var conflicts = JSONLines.decode(EventRecord.self, root + "/outbox/events.jsonl").filter { $0.event == "conflict" }
            #expect(conflicts.count == 1)
            #expect(conflicts.first?.file == "B/two-again.png" && conflicts.first?.label == "B" && conflicts.first?.existingLabel == "A")
            #expect(Files.regularFiles(under: scratch.appending("root/rejected")) == ["B/two-again.png"])
            #expect(
                Files.regularFiles(under: scratch.appending("root/archive")) == [
                    "labeled/A/one-copy.png", "labeled/A/one.png", "labeled/A/two.png", "labeled/B/four.png", "labeled/B/three.png",
                ])
            let runs = JSONLines.decode(EventRecord.self, root + "/outbox/events.jsonl").filter { $0.event == "run_started" }.count
            #expect(runs == 1)

            // A later drop: known content again under its label, and under the other one.
            try Files.drop(img[2], into: inbox, as: "B/three-again.png")
            try Files.drop(img[0], into: inbox, as: "B/mislabeled.png")
            try MCND.succeed(
                [
                    "--root", root, "--once", "--set", "settle_seconds=0", "--set", "train.epochs=2", "--set", "train.min_steps=0", "--set",
                    "train.cross_validation_below=0", "--set", "train.refit_below=0",
                ], scratch: scratch.url)
            status = try StatusRecord.of(root: root, scratch: scratch.url)
            #expect(status.status.examplesPerLabel == ["A": 2, "B": 2])
            let events = JSONLines.decode(EventRecord.self, root + "/outbox/events.jsonl")
            conflicts = events.filter { $0.event == "conflict" }
            #expect(conflicts.map(\.file) == ["B/two-again.png", "B/mislabeled.png"])
            #expect(conflicts.last?.existingLabel == "A")
            #expect(!events.contains { $0.event == "rejected" })
            // No new example, so no new run.
            #expect(events.filter { $0.event == "run_started" }.count == runs)
            #expect(Files.exists(root + "/archive/labeled/B/three-again.png") && Files.exists(root + "/rejected/B/mislabeled.png"))
            #expect(Files.regularFiles(under: inbox).isEmpty)
        }

        /// Without a model, requests wait — but a file that is no PNG at all is rejected at once.
        @Test func notAPNGIsRejectedEvenBeforeAnyModelExists() throws {
            let scratch = try Scratch("nomodel")
            let root = scratch.appending("root").path
            let inbox = scratch.appending("root/inbox")
            try MCND.succeed(["init", root], scratch: scratch.url)
            let test = try Fashion.testSplit()
            try Files.drop(try test.png(0), into: inbox, as: "query.png")
            try Files.drop(Array("junk".utf8), into: inbox, as: "notes.png")
            try Files.drop([], into: inbox, as: "empty.png")
            try MCND.succeed(["--root", root, "--once", "--set", "settle_seconds=0"], scratch: scratch.url)

            let events = JSONLines.decode(EventRecord.self, root + "/outbox/events.jsonl")
            let rejected = Dictionary(
                uniqueKeysWithValues: events.filter { $0.event == "rejected" }.map { ($0.file ?? "", $0.reason ?? "") })
            #expect(rejected == ["notes.png": "not_png", "empty.png": "empty"])
            #expect(events.filter { $0.event == "waiting_for_model" }.count == 1)
            #expect(Files.exists(root + "/inbox/query.png"), "a valid request waits for the model")
            #expect(Files.exists(root + "/rejected/notes.png") && Files.exists(root + "/rejected/empty.png"))
        }
    }
}
