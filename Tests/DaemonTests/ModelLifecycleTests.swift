import Foundation
import MCNDTestSupport
import Testing

/// `mcnd models pin|unpin|rollback` beside a running daemon that is fed
/// prediction requests at a steady rate: each request answered exactly once,
/// each line from the model serving at that moment.
@Suite("Model lifecycle", .serialized)
struct ModelLifecycleTests {
    /// A root with two models: 1 from the fixture, 2 from a second run (promoted whatever its accuracy).
    static func twoModels(_ scratch: Scratch) async throws -> Root {
        let root = try await Root.trained(in: scratch)
        let train = try await MCND.run(["--root", root.path, "train", "--set", "train.promote_tolerance=1"], scratch: scratch.url)
        guard train.stdout.contains("promoted model 2") else { throw TestFailure(train.transcript) }
        return root
    }

    static func models(_ root: Root, _ scratch: Scratch, _ arguments: [String]) async throws -> Child {
        let child = try await MCND.run(["--root", root.path, "models"] + arguments, scratch: scratch.url)
        guard child.exit?.succeeded == true else { throw TestFailure(child.transcript) }
        return child
    }

    @Test("pin, unpin, rollback, pin while requests arrive every 20 ms: every request answered once, by the model serving then")
    func swapsUnderLoad() async throws {
        let scratch = try Scratch("lifecycle")
        let root = try await Self.twoModels(scratch)
        let split = try Fashion.trainSplit()
        let images = try split.stratified(perClass: 10, classes: [0, 1, 7, 9], skip: 100).map { try split.png($0) }
        let daemon = try Daemon(root: root, scratch: scratch, settings: ["settle_seconds=0", "train.min_interval_seconds=100000"])
        try await daemon.ready()

        // The feeder drops a request every 20 ms until told to stop.
        let stop = Flag()
        let inbox = root.inbox
        let feeder = Task.detached { () throws -> Int in
            var n = 0
            while !stop.isSet {
                try Files.drop(images[n % images.count], into: inbox, as: "req-\(n).png")
                n += 1
                try await Task.sleep(for: .milliseconds(20))
            }
            return n
        }
        // Each change: when the command started and ended, and the version serving after it.
        var changes: [(start: Date, end: Date, version: Int)] = []
        for (arguments, version) in [(["pin", "1"], 1), (["unpin"], 1), (["rollback"], 2), (["pin", "1"], 1)] {
            try await Task.sleep(for: .milliseconds(1500))
            let start = Date()
            _ = try await Self.models(root, scratch, arguments)
            changes.append((start, Date(), version))
        }
        try await Task.sleep(for: .milliseconds(1500))
        stop.set()
        let fed = try await feeder.value

        #expect(
            try await eventually(timeout: 30) { root.predictions.completeObjects().count >= fed },
            "\(fed) requests, \(root.predictions.completeObjects().count) lines")
        try await Task.sleep(for: .milliseconds(500))
        let lines = try root.predictions.objects()
        let files = lines.compactMap { $0["file"] as? String }
        #expect(
            files.count == fed && Set(files).count == fed,
            "each of \(fed) requests once: \(files.count) lines, \(Set(files).count) distinct")
        #expect(Set(files) == Set((0..<fed).map { "req-\($0).png" }))

        // A line's version: the one serving after the last change begun before
        // the line's time, or (within a second of that change, while the
        // daemon's tick picks it up) the one before it.
        let parse = ISO8601DateFormatter()
        parse.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var wrong: [String] = []
        for line in lines {
            guard let stamp = (line["time"] as? String).flatMap(parse.date(from:)), let version = line["model_version"] as? Int else {
                wrong.append("no time or model_version: \(line)")
                continue
            }
            let last = changes.lastIndex { $0.start <= stamp }
            var allowed: Set<Int> = [last.map { changes[$0].version } ?? 2]
            if let last, stamp <= changes[last].end.addingTimeInterval(1) { allowed.insert(last == 0 ? 2 : changes[last - 1].version) }
            if !allowed.contains(version) {
                wrong.append("\(line["file"] ?? "?") at \(line["time"] ?? "?"): model \(version), serving \(allowed)")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) of \(lines.count) lines from a model not serving then: \(wrong.prefix(5))")
        // The swap is whole: once a line shows the new model, no later line shows the old one.
        let versions = lines.compactMap { $0["model_version"] as? Int }
        let switches = zip(versions, versions.dropFirst()).filter { $0 != $1 }.count
        #expect(switches == 3, "serving went 2 → 1 → 2 → 1 (three switches in line order), saw \(switches): \(versions)")
        #expect(versions.contains(2) && versions.contains(1))

        let events = root.events.completeObjects().compactMap { $0["event"] as? String }
            .filter { $0.hasPrefix("model_") && $0 != "model_promoted" }
        #expect(events == ["model_pinned", "model_unpinned", "model_rolled_back", "model_pinned"], "\(events)")
        _ = try await daemon.stop()
    }

    @Test("while pinned a run is recorded but does not serve; status says pinned; unpin lets the next run serve")
    func pinnedRunsAreRecorded() async throws {
        let scratch = try Scratch("pinned")
        let root = try await Self.twoModels(scratch)
        _ = try await Self.models(root, scratch, ["pin", "1"])
        let train = try await MCND.run(["--root", root.path, "train", "--set", "train.promote_tolerance=1"], scratch: scratch.url)
        #expect(train.stdout.contains("kept_serving: model 1 is pinned"), "\(train.transcript)")
        let list = try await Self.models(root, scratch, ["list", "--json"])
        let records = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(records.map { $0["version"] as? Int } == [1, 2, 3], "run 3's model is recorded: \(list.stdout)")
        #expect(records.filter { $0["serving"] as? Bool == true }.map { $0["version"] as? Int } == [1])
        #expect(records.filter { $0["pinned"] as? Bool == true }.map { $0["version"] as? Int } == [1])
        let status = try await MCND.run(["--root", root.path, "status"], scratch: scratch.url)
        #expect(status.stdout.contains("pinned: version 1"), "\(status.transcript)")
        let report = try await MCND.run(["--root", root.path, "report"], scratch: scratch.url)
        let page = try String(contentsOfFile: root.path + "/outbox/report.json", encoding: .utf8)
        let model = (try JSONSerialization.jsonObject(with: Data(page.utf8)) as? [String: Any])?["model"] as? [String: Any]
        #expect(
            model?["version"] as? Int == 1 && model?["pinned_since"] is String, "the report says model 1 is pinned: \(report.transcript)")

        _ = try await Self.models(root, scratch, ["unpin"])
        let again = try await MCND.run(["--root", root.path, "train", "--set", "train.promote_tolerance=1"], scratch: scratch.url)
        #expect(again.stdout.contains("promoted model 4"), "\(again.transcript)")
        let rollback = try await Self.models(root, scratch, ["rollback"])
        #expect(rollback.stdout.contains("rolled back to model 1"), "the model serving before 4 was the pinned 1: \(rollback.stdout)")
    }
}
