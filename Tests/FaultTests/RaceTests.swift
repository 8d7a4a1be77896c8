import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension Faults {
    /// Scenario 4: files and folders that change under mcnd's feet.
    @Suite("Races") struct Races {
        @Test("0-byte files are rejected as empty; the same image in two label folders at once is one example and one conflict")
        func emptyFilesAndOneImageUnderTwoLabels() throws {
            let scratch = try Scratch("empty-dup")
            let root = try Root(scratch)
            try root.train()
            let empty = [try root.drop("zero.png", []), try root.drop("alpha/zero.png", []), try root.drop("newlabel/zero.png", [])]
            let image = root.nextImage()
            let first = try root.drop("alpha/same.png", image, record: false)
            let second = try root.drop("beta/same.png", image, record: false)
            let run = try MCND.once(root.path, scratch: scratch.url)
            #expect(run.succeeded, "\(run.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: true)

            let outcomes = try Outcomes.of(root.path)
            for input in empty { #expect(outcomes.rejected[hex(input.relative)] == ["empty"], "\(input.display)") }
            #expect(outcomes.examples?.filter { $0 == SHA256.hex(image) }.count == 1, "one example for the image")
            let conflicted = [first, second].filter { outcomes.conflicts[hex($0.relative)] == 1 }
            #expect(conflicted.count == 1, "exactly one conflict: \(outcomes.conflicts)")
            if let loser = conflicted.first, let winner = [first, second].first(where: { $0.relative != loser.relative }) {
                #expect(Files.exists(root.path + "/rejected/" + loser.display))
                #expect(Files.exists(root.path + "/archive/labeled/" + winner.display))
            }
            #expect(!Files.exists(root.inbox + "/alpha/same.png") && !Files.exists(root.inbox + "/beta/same.png"))
        }

        @Test("10,000 label folders with one file each: all ingested in one pass, one run, each file once")
        func tenThousandLabelFolders() throws {
            let scratch = try Scratch("10k-labels")
            // On a tmpfs when possible: the test is about the number of folders, not the disk's fsync speed.
            try Files.makeFolder(scratch.path + "/fs")
            let tmpfs =
                try Tmpfs.unavailable == nil
                ? Tmpfs.mount(over: scratch.path + "/fs", kilobytes: 512 << 10, keeping: scratch) : nil
            defer { tmpfs?.unmount() }
            let root = try Root(scratch, name: "fs/root")
            let count = 10_000
            for i in 0..<count { try root.drop("label-\(i)/image.png") }
            let started = monotonic()
            let run = try MCND.once(
                root.path, scratch: scratch.url,
                [
                    "train.epochs=1", "train.min_steps=0", "train.cross_validation_below=0", "train.refit_below=0", "train.units=8",
                    "train.validation_fraction=0.1",
                ])
            let seconds = monotonic() - started
            #expect(run.succeeded, "\(run.transcript)")
            print("10,000 label folders: --once took \(String(format: "%.1f", seconds)) s")
            try checkInvariant(root.inputs, root: root.path, final: true)
            let outcomes = try Outcomes.of(root.path)
            #expect(outcomes.examples?.count == count)
            #expect(outcomes.events["run_started"] == 1 && outcomes.events["model_promoted"] == 1, "\(outcomes.events)")
        }

        @Test("folders deleted and files rewritten while --once reads the inbox: no crash, no torn line, every stable input once")
        func churnDuringOnce() throws {
            let scratch = try Scratch("churn")
            let root = try Root(scratch)
            try root.train()
            try root.dropBatch(labels: ["alpha", "beta", "gamma"], perLabel: 100, requests: 200, tag: "stable")
            let inbox = root.inbox
            let png = Images.png(777_777)
            let other = Images.png(888_888)
            let stop = Flag(), stopped = Flag()
            let thread = Thread {
                var round = 0
                while !stop.isSet {
                    round += 1
                    // A label folder that appears and is deleted again while mcnd scans and reads.
                    let folder = "\(inbox)/vanishing-\(round % 7)"
                    _ = mkdir(folder, 0o755)
                    try? Files.write(png, to: "\(folder)/v.png")
                    if round % 3 == 0 { usleep(200) }
                    unlink("\(folder)/v.png")
                    rmdir(folder)
                    // Files rewritten in place (truncated, then written again) under a label and as a request.
                    for path in ["\(inbox)/alpha/churn.png", "\(inbox)/churn-request.png"] {
                        let content = round % 2 == 0 ? png : other
                        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                        if fd >= 0 {
                            content.withUnsafeBytes { _ = write(fd, $0.baseAddress, content.count / 2) }
                            usleep(100)
                            content.withUnsafeBytes {
                                _ = write(fd, $0.baseAddress! + content.count / 2, content.count - content.count / 2)
                            }
                            if round % 5 == 0 { ftruncate(fd, 10) }
                            close(fd)
                        }
                    }
                }
                stopped.set()
            }
            thread.start()
            var runs: [Child] = []
            for _ in 0..<3 { runs.append(try MCND.once(root.path, scratch: scratch.url)) }
            stop.set()
            _ = try eventually(timeout: 10) { stopped.isSet }
            for run in runs {
                #expect(run.exit?.signaled == false, "no crash: \(run.transcript)")
                #expect(run.succeeded, "\(run.transcript)")
            }
            try checkInvariant(root.inputs, root: root.path, final: true)
            // Whatever the churn left is handled by a quiet pass.
            let last = try MCND.once(root.path, scratch: scratch.url)
            #expect(last.succeeded, "\(last.transcript)")
            #expect(
                Files.entries(under: root.inbox).isEmpty,
                "left: \(Files.entries(under: root.inbox).map { String(decoding: $0, as: UTF8.self) })")
            try checkInvariant(root.inputs, root: root.path, final: true)
        }

        @Test("the inbox folder replaced (renamed away, or deleted, and made again) while the daemon runs: it works on the new one")
        func inboxReplacedUnderTheDaemon() throws {
            let scratch = try Scratch("inbox-replaced")
            let root = try Root(scratch)
            try root.train()
            let daemon = try MCND.start(["--root", root.path, "--set", "settle_seconds=0"], scratch: scratch.url)
            defer { daemon.stop() }
            #expect(
                try eventually(timeout: 30) { (try Outcomes.of(root.path, database: false)).events["started"] == 1 },
                "a started event: \(daemon.transcript)")
            func handled(_ input: Input) throws -> Bool {
                try eventually(timeout: 30) { !Files.exists(Files.bytes(root.inbox + "/") + input.relative) }
            }
            let before = try root.drop("before.png")
            #expect(try handled(before), "\(daemon.transcript)")

            try Files.move(root.inbox, to: root.path + "/inbox.old")
            try Files.makeFolder(root.inbox)
            let renamed = [try root.drop("after-rename.png"), try root.drop("gamma/after-rename.png")]
            for input in renamed { #expect(try handled(input), "\(input.display) in the new inbox: \(daemon.transcript)") }

            try Shell.run(["/bin/rm", "-rf", root.inbox])
            try Files.makeFolder(root.inbox)
            let recreated = [try root.drop("after-delete.png"), try root.drop("delta/after-delete.png")]
            for input in recreated { #expect(try handled(input), "\(input.display) in the recreated inbox: \(daemon.transcript)") }

            #expect(daemon.isRunning, "\(daemon.transcript)")
            daemon.stop()
            #expect(daemon.succeeded, "\(daemon.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: true)
        }
    }
}
