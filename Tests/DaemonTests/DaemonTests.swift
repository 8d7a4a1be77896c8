import Foundation
import Glibc
import MCNDTestSupport
import Testing

/// The daemon as systemd runs it: the built `mcnd` binary on a temporary root,
/// `NOTIFY_SOCKET` at a datagram socket these tests read, files dropped into
/// the inbox the ways writers do, signals from outside. Serialized: each test
/// starts a daemon, and they would compete for the cores.
@Suite("Daemon", .serialized)
struct DaemonTests {
    /// Drop, train once, predict, logrotate, stop: the life of a daemon.
    @Test("labels and requests dropped in → one run after the quiet period, every request predicted, SIGHUP reopens, SIGTERM flushes")
    func lifecycle() async throws {
        let scratch = try Scratch("life")
        let root = try await Root.create(in: scratch)
        let staging = "\(scratch.path)/staging"
        try Files.makeFolder(staging)
        // Three labels, 60 examples each; the requests are other images of the same classes.
        let classes = [1, 7, 8]
        try await root.importLabeled(perClass: 60, classes: classes, into: staging, scratch: scratch)
        let split = try Fashion.trainSplit()
        var requests = try split.stratified(perClass: 10, classes: classes, skip: 60).map { try split.png($0) }.makeIterator()

        let quiet = 2.0
        let daemon = try Daemon(
            root: root, scratch: scratch,
            settings: [
                "settle_seconds=1", "train.quiet_seconds=\(quiet)", "train.min_interval_seconds=0",
                "train.epochs=5", "train.min_steps=0", "train.cross_validation_below=0", "train.refit_below=0",
                "train.incremental_epochs=2",
                // Every request to archive/predicted/ (the review loop has its own tests).
                "review.target_precision=0",
            ], environment: ["WATCHDOG_USEC": "400000"])
        try await daemon.ready()
        #expect(
            try await daemon.notify.wait(timeout: 20) { $0.hasPrefix("STATUS=") && $0.contains("no model yet") } != nil,
            "a STATUS= line after READY=1: \(daemon.notify.messages)")
        let started = root.events.events("started")
        #expect(started.count == 1 && started.first?["watch"] as? String == "inotify", "\(started)")

        // Requests before there is a model: they wait in the inbox.
        var expected: [String] = []
        try Files.drop(requests.next()!, into: root.inbox, as: "early-1.png")
        try await plainWrite(requests.next()!, to: "\(root.inbox)/early-2.png") {
            try Files.drop(requests.next()!, into: root.inbox, as: "early-3.png")
        }
        expected += ["early-1.png", "early-2.png", "early-3.png"]
        #expect(
            try await eventually(timeout: 30) { !root.events.events("waiting_for_model").isEmpty },
            "a waiting_for_model event: \(root.events.completeObjects())")
        #expect(root.predictions.files.isEmpty)
        #expect(expected.allSatisfy { Files.exists("\(root.inbox)/\($0)") }, "the requests wait in the inbox")

        // The labeled drop, spread over ~1 s (less than the quiet period): a
        // folder renamed in, a folder made and filled file by file, and a folder
        // renamed in and then written to directly.
        try Files.move("\(staging)/\(Fashion.name(classes[0]))", to: "\(root.inbox)/\(Fashion.name(classes[0]))")
        try await Task.sleep(for: .milliseconds(250))
        let second = "\(root.inbox)/\(Fashion.name(classes[1]))"
        try Files.makeFolder(second)
        for name in Files.names(in: "\(staging)/\(Fashion.name(classes[1]))") {
            try Files.move("\(staging)/\(Fashion.name(classes[1]))/\(name)", to: "\(second)/\(name)")
            try await Task.sleep(for: .milliseconds(4))
        }
        try Files.move("\(staging)/\(Fashion.name(classes[2]))", to: "\(root.inbox)/\(Fashion.name(classes[2]))")
        for i in 0..<5 {
            try Files.write(
                try split.png(split.stratified(perClass: 5, classes: [classes[2]], skip: 200)[i]),
                to: "\(root.inbox)/\(Fashion.name(classes[2]))/written-\(i).png")
        }
        let lastDrop = Date()

        #expect(
            try await eventually(timeout: 60) { !root.events.events("model_promoted").isEmpty },
            "a model within 60 s: \(root.events.completeObjects())\n\(daemon.child.transcript)")
        let runs = root.events.events("run_started")
        try #require(runs.count == 1, "one run for the whole drop: \(runs)")
        let runStart = try #require(date(runs[0]["time"]))
        #expect(
            runStart.timeIntervalSince(lastDrop) >= quiet - 0.3,
            "the run started \(runStart.timeIntervalSince(lastDrop)) s after the drop, before the \(quiet) s quiet period")
        #expect(runs[0]["mode"] as? String == "full")
        #expect((runs[0]["train_samples"] as? Int ?? 0) + (runs[0]["val_samples"] as? Int ?? 0) == 3 * 60 + 5)

        // The requests that waited are answered by the new model.
        #expect(
            try await eventually(timeout: 30) { Set(root.predictions.files).isSuperset(of: expected) },
            "waiting requests predicted after the promotion: \(root.predictions.files)")
        #expect(root.predictions.completeObjects().allSatisfy { $0["model_version"] as? Int == 1 })

        // With a model: renamed and plainly written requests, interleaved.
        for i in 1...10 {
            try Files.drop(requests.next()!, into: root.inbox, as: "late-\(i).png")
            expected.append("late-\(i).png")
        }
        for i in 1...2 {
            try await plainWrite(requests.next()!, to: "\(root.inbox)/plain-\(i).png") {
                try Files.drop(requests.next()!, into: root.inbox, as: "during-\(i).png")
            }
            expected += ["plain-\(i).png", "during-\(i).png"]
        }
        #expect(
            try await eventually(timeout: 30) { Set(root.predictions.files) == Set(expected) },
            "every request predicted: \(Set(expected).subtracting(root.predictions.files)) missing")

        let statuses = daemon.notify.statuses
        #expect(statuses.contains { $0.contains("training") }, "a STATUS= while training: \(statuses)")
        #expect(statuses.contains { $0.hasPrefix("model 1") }, "a STATUS= naming the model: \(statuses)")
        #expect(daemon.notify.messages.filter { $0 == "WATCHDOG=1" }.count >= 2, "WATCHDOG=1 pings: \(daemon.notify.messages)")

        // logrotate: move the files away, SIGHUP, and the next lines go to fresh files.
        try Files.move(root.predictions.path, to: root.predictions.path + ".1")
        try Files.move(root.events.path, to: root.events.path + ".1")
        daemon.child.signal(SIGHUP)
        #expect(
            try await eventually(timeout: 30) { !root.events.events("reloaded").isEmpty },
            "a reloaded event in a fresh events.jsonl")
        var rotated: [String] = []
        for i in 1...3 {
            try Files.drop(requests.next()!, into: root.inbox, as: "rotated-\(i).png")
            rotated.append("rotated-\(i).png")
        }
        #expect(
            try await eventually(timeout: 30) { Set(root.predictions.files) == Set(rotated) },
            "new predictions in a fresh predictions.jsonl: \(root.predictions.files)")
        let old = JSONLinesFile(path: root.predictions.path + ".1")
        #expect(Set(old.files) == Set(expected), "the rotated file got nothing new")
        #expect(daemon.child.isRunning)

        // SIGTERM: exit 0, STOPPING=1, a `stopped` event, every outbox line whole.
        let exit = try await daemon.stop(SIGTERM)
        #expect(exit.succeeded, "\(daemon.child.transcript)")
        #expect(daemon.notify.received("STOPPING=1"))
        #expect(root.events.completeObjects().last?["event"] as? String == "stopped")
        var predictions: [[String: Any]] = []
        for name in Files.names(in: root.outbox) where name.hasSuffix(".jsonl") || name.hasSuffix(".jsonl.1") {
            let objects = try JSONLinesFile(path: "\(root.outbox)/\(name)").objects()
            if name.hasPrefix("predictions") { predictions += objects }
        }
        let all = expected + rotated
        let files = predictions.compactMap { $0["file"] as? String }
        #expect(files.count == all.count && Set(files) == Set(all), "each request predicted exactly once: \(files.sorted())")
        let events = JSONLinesFile(path: root.events.path + ".1").completeObjects() + root.events.completeObjects()
        #expect(events.filter { $0["event"] as? String == "run_started" }.count == 1, "still exactly one run")
        #expect(events.filter { $0["event"] as? String == "rejected" }.isEmpty, "nothing rejected: \(events)")

        // Every input was consumed: the inbox holds only the (empty) label folders,
        // and each archived request is the very file its prediction describes.
        #expect(Files.regularFiles(under: root.inbox).isEmpty, "left in the inbox: \(Files.regularFiles(under: root.inbox))")
        let archived = "\(root.path)/archive/predicted"
        #expect(Set(Files.names(in: archived)) == Set(all))
        let sums = try Files.sha256(all.map { "\(archived)/\($0)" })
        for prediction in predictions {
            let file = prediction["file"] as? String ?? "?"
            #expect(prediction["sha256"] as? String == sums["\(archived)/\(file)"], "\(file): sha256 of what was read")
        }
    }

    @Test("a second mcnd on the same root exits non-zero naming the holder; SIGINT stops the daemon")
    func lock() async throws {
        let scratch = try Scratch("lock")
        let root = try await Root.create(in: scratch)
        let daemon = try Daemon(root: root, scratch: scratch, settings: [])
        try await daemon.ready()
        let pid = daemon.child.pid
        for arguments in [["--root", root.path], ["--root", root.path, "--once"]] {
            let second = try await MCND.run(arguments, scratch: scratch.url, timeout: 30)
            #expect(second.exit?.succeeded == false, "\(second.transcript)")
            #expect(second.stderr.contains("another mcnd (pid \(pid)) holds \(root.path)"), "\(second.transcript)")
        }
        #expect(daemon.child.isRunning)
        #expect(root.events.events("started").count == 1, "the second mcnd wrote nothing")
        let exit = try await daemon.stop(SIGINT)
        #expect(exit.succeeded, "\(daemon.child.transcript)")
        #expect(daemon.notify.received("STOPPING=1"))
        #expect(root.events.completeObjects().last?["event"] as? String == "stopped")
    }

    /// What waited in the inbox while the daemon was down is answered by the
    /// initial scan, before READY=1.
    @Test("files present at start are predicted before READY=1")
    func backlog() async throws {
        let scratch = try Scratch("backlog")
        let root = try await Root.trained(in: scratch)
        let split = try Fashion.trainSplit()
        let names = (0..<50).map { "waiting-\($0).png" }
        for (i, name) in names.enumerated() { try Files.drop(try split.png(5_000 + i), into: root.inbox, as: name) }
        let daemon = try Daemon(root: root, scratch: scratch, settings: ["settle_seconds=0"])
        try await daemon.ready()
        #expect(Set(root.predictions.files) == Set(names), "predicted by the time READY=1 arrives")
        #expect(try await daemon.stop().succeeded, "\(daemon.child.transcript)")
    }

    /// Training runs beside the prediction path: requests are answered by the
    /// serving model during a run, and SIGTERM ends a run at its epoch's end.
    @Test("predictions flow during a training run; SIGTERM interrupts the run and exits 0")
    func predictionsDuringTraining() async throws {
        let scratch = try Scratch("during")
        let root = try await Root.trained(in: scratch)
        let daemon = try Daemon(
            root: root, scratch: scratch,
            settings: [
                "settle_seconds=1", "train.quiet_seconds=0.2", "train.min_interval_seconds=0",
                // An incremental run far longer than the test: it ends only when mcnd stops
                // (never full: not cross-validated, whatever the set grew by).
                "train.incremental_epochs=1000000", "train.cross_validation_below=0", "train.refit_below=0", "train.full_growth=1000",
            ])
        try await daemon.ready()
        let before = root.events.events("run_finished").count  // `--once` trained the first model
        try await root.importLabeled(perClass: 30, classes: [0, 1], skip: 100, into: root.inbox, scratch: scratch)
        #expect(
            try await eventually(timeout: 30) { root.events.events("run_started").count > before },
            "an incremental run starts: \(root.events.completeObjects())")
        #expect(try await daemon.notify.wait(timeout: 20) { $0.hasPrefix("STATUS=") && $0.contains("training") } != nil)

        let split = try Fashion.trainSplit()
        let names = (0..<20).map { "meanwhile-\($0).png" }
        for (i, name) in names.enumerated() { try Files.drop(try split.png(7_000 + i), into: root.inbox, as: name) }
        #expect(
            try await eventually(timeout: 30) { Set(root.predictions.files) == Set(names) },
            "predicted during the run: \(root.predictions.files)")
        #expect(root.events.events("run_finished").count == before, "the run is still going")
        #expect(root.predictions.completeObjects().allSatisfy { $0["model_version"] as? Int == 1 }, "the serving model answered")

        let begin = monotonic()
        let exit = try await daemon.stop(SIGTERM, timeout: 15)
        #expect(exit.succeeded, "\(daemon.child.transcript)")
        #expect(monotonic() - begin < 10, "a graceful stop within a few seconds, not \(monotonic() - begin) s")
        let finished = root.events.events("run_finished").dropFirst(before)
        #expect(finished.count == 1 && finished.first?["outcome"] as? String == "interrupted", "\(finished)")
        #expect(root.events.completeObjects().last?["event"] as? String == "stopped")
        _ = try JSONLinesFile(path: "\(root.outbox)/losses.jsonl").objects()
    }

    /// `watch.mode: poll` (what NFS gets): no inotify, the inbox is listed every poll interval.
    @Test("polling mode finds renamed and plainly written files")
    func polling() async throws {
        let scratch = try Scratch("poll")
        let root = try await Root.trained(in: scratch)
        let daemon = try Daemon(
            root: root, scratch: scratch, settings: ["watch.mode=poll", "watch.poll_seconds=0.3", "settle_seconds=0.5"])
        try await daemon.ready()
        #expect(root.events.events("started").first?["watch"] as? String == "poll")
        let split = try Fashion.trainSplit()
        try Files.drop(try split.png(3_000), into: root.inbox, as: "renamed.png")
        try await plainWrite(try split.png(3_001), to: "\(root.inbox)/written.png") {}
        #expect(
            try await eventually(timeout: 30) { Set(root.predictions.files) == ["renamed.png", "written.png"] },
            "\(root.predictions.files)")
        #expect(try await daemon.stop().succeeded, "\(daemon.child.transcript)")
        #expect(try root.predictions.objects().count == 2)
    }
}
