import Foundation
import Glibc
import MCNDTestSupport
import Testing

/// One power-loss trial, and the checks the kill -9 test does not make.
extension EndToEnd.PowerLossTests {
    func trial(
        _ n: Int, _ driver: Driver, kills: [Kill], kit: EndToEnd.KillTests, template: EndToEnd.KillTests.Template,
        inputs: [EndToEnd.KillTests.Input], scratch: Scratch
    ) throws -> TrialOutcome {
        let disk = scratch.appending("power-\(n)/disk").path
        let root = scratch.appending("power-\(n)/root").path
        try FileManager.default.createDirectory(atPath: scratch.appending("power-\(n)").path, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: template.root, toPath: disk)
        if n % 2 == 1 {
            // Odd trials start without what mcnd must then create durably itself: the
            // rejected/ folder and an outbox file, rescored.jsonl (the template has no line in
            // either; its predictions.jsonl now holds the lines of its review queue).
            try FileManager.default.removeItem(atPath: disk + "/rejected")
            try FileManager.default.removeItem(atPath: disk + "/outbox/rescored.jsonl")
        }
        for input in inputs { try Files.drop(input.bytes, into: URL(fileURLWithPath: disk + "/inbox"), as: input.relative) }
        let fs = try PowerCutDisk(backing: disk, mountpoint: root)
        let context = "power-loss trial \(n) (\(driver), seed \(Self.seed), kills \(kills))"

        // Progress is watched in the backing folder, which holds the live state, not through FUSE.
        let labeled = inputs.filter { $0.relative.contains("/") }.map { disk + "/inbox/" + $0.relative }
        func lines(_ name: String) -> Int {
            (FileManager.default.contents(atPath: disk + "/outbox/" + name) ?? Data()).reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        }
        var phase = "none"
        var firstRunSeconds = 0.0
        var pending = 0
        var log: [String] = []
        // Each remount after a cut comes back with another device number (PowerLossTests+Remount.swift).
        var device: UInt64?
        var newDevices = 0
        func mount() throws {
            let now = try remount(fs, previous: device, scratch: scratch)
            if device != nil && now != device { newDevices += 1 }
            device = now
        }
        for (k, kill) in kills.enumerated() {
            try mount()
            let arguments = ["--root", root] + (driver == .once ? ["--once"] : Self.daemonOptions) + EndToEnd.KillTests.options
            let child = try MCND.start(arguments, scratch: scratch.url)
            // The daemon never ends by itself: a condition that never comes true ends the run after 120 s.
            let deadline = monotonic() + 120
            let (killed, result): (Bool, Child)
            switch kill {
            case .afterIngested(let count, let jitter):
                (killed, result) = child.kill(
                    when: { labeled.count { !Files.exists($0) } >= count || monotonic() > deadline }, jitter: jitter)
            case .afterEpochs(let count, let jitter):
                (killed, result) = child.kill(
                    when: { lines("losses.jsonl") - template.lossLines >= count || monotonic() > deadline }, jitter: jitter)
            case .afterPredicted(let count, let jitter):
                (killed, result) = child.kill(
                    when: { lines("predictions.jsonl") - template.predictionLines >= count || monotonic() > deadline },
                    jitter: jitter)
            case .afterRescored(let count, let jitter):
                (killed, result) = child.kill(
                    when: { lines("rescored.jsonl") - template.rescoredLines >= count || monotonic() > deadline },
                    jitter: jitter)
            case .afterSeconds(let delay):
                (killed, result) = child.kill(after: delay)
            }
            if k == 0 { firstRunSeconds = result.seconds }
            log.append(killed ? "killed after \(String(format: "%.3f", result.seconds)) s, then cut" : "\(result)")
            try fs.cut()
            guard killed else {
                #expect(result.succeeded, "\(context): \(result)")
                break
            }
            // The daemon predicts before it trains, so its events do not tell the stage; the kill's target does.
            if k == 0 { phase = driver == .once ? kit.stage(root: disk, template: template) : Self.stage(of: kill) }
            if try !kit.journalEntries(root: disk, scratch: scratch).isEmpty { pending += 1 }
        }

        // Restart after the last cut: the first --once must finish everything; up to two
        // more may only report what is left. Then one more cut: a finished run is durable.
        try mount()
        var finished = false
        for attempt in 0..<3 {
            let result = try MCND.run(["--root", root, "--once"] + EndToEnd.KillTests.options, scratch: scratch.url)
            if kills.isEmpty { firstRunSeconds = result.seconds }
            log.append("\(result)")
            guard result.succeeded else {
                Issue.record("\(context): a restart after a power cut failed: \(result)")
                break
            }
            let left = Files.regularFiles(under: URL(fileURLWithPath: root + "/inbox"))
            #expect(left.isEmpty || attempt > 0, "\(context): a finished --once left \(left.count) files in the inbox: \(left.prefix(10))")
            if left.isEmpty {
                finished = true
                break
            }
        }
        try fs.cut()
        #expect(finished, "\(context): the inbox did not empty; runs: \(log)")

        var problems = try kit.verify(root: disk, template: template, inputs: inputs, scratch: scratch)
        problems += try modelProblems(disk: disk, kit: kit, scratch: scratch)
        // Once done, a further --once has nothing to do: no line, no run.
        let outbox = ["predictions.jsonl", "events.jsonl", "losses.jsonl"].map {
            FileManager.default.contents(atPath: disk + "/outbox/" + $0)
        }
        let again = try MCND.run(["--root", disk, "--once"] + EndToEnd.KillTests.options, scratch: scratch.url)
        if !again.succeeded { problems.append("a --once after recovery failed: \(again)") }
        if ["predictions.jsonl", "events.jsonl", "losses.jsonl"].map({ FileManager.default.contents(atPath: disk + "/outbox/" + $0) })
            != outbox
        {
            problems.append("a --once after recovery wrote to the outbox again")
        }
        if problems.isEmpty {
            try? FileManager.default.removeItem(atPath: scratch.appending("power-\(n)").path)
        } else {
            try problems.joined(separator: "\n").write(
                toFile: scratch.appending("power-\(n)/problems.txt").path, atomically: true, encoding: .utf8)
            let shown = problems.prefix(25).joined(separator: "\n") + (problems.count > 25 ? "\n… \(problems.count - 25) more" : "")
            Issue.record(
                "\(context), first kill during \(phase), root \(disk) (all problems in problems.txt beside it):\n\(shown)\nruns: \(log.joined(separator: "\n"))"
            )
        }
        return TrialOutcome(
            phase: phase, firstRunSeconds: firstRunSeconds, killsWithPendingJournal: pending, problems: problems,
            lostFiles: fs.revertedFiles, lostChanges: fs.droppedChanges, newDevices: newDevices)
    }

    static func stage(of kill: Kill) -> String {
        switch kill {
        case .afterIngested: "ingest"
        case .afterEpochs: "training"
        case .afterPredicted: "predict"
        case .afterRescored: "rescore"
        case .afterSeconds: "timed"
        }
    }

    /// events.jsonl announces exactly the models the state has promoted, each
    /// version once and with its exported file; every run it started is in the
    /// state (a version or run id lost with the state would be given out twice).
    func modelProblems(disk: String, kit: EndToEnd.KillTests, scratch: Scratch) throws -> [String] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let events = (FileManager.default.contents(atPath: disk + "/outbox/events.jsonl") ?? Data())
            .split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(EventRecord.self, from: Data($0)) }
        var problems: [String] = []
        let announced = events.filter { $0.event == "model_promoted" }
        let promoted = try kit.stateRows(
            root: disk, scratch: scratch, sql: "SELECT version FROM models WHERE promoted IS NOT NULL ORDER BY version"
        )
        .compactMap { Int($0[0]) }
        if announced.compactMap(\.modelVersion).sorted() != promoted {
            problems.append(
                "events.jsonl announces model versions \(announced.compactMap(\.modelVersion)), the state has promoted \(promoted)")
        }
        for event in announced {
            if let file = event.file, !Files.exists(disk + "/" + file) {
                problems.append("model_promoted names \(file), which does not exist")
            }
        }
        let started = events.filter { $0.event == "run_started" }.compactMap(\.run)
        let runs = Set(try kit.stateRows(root: disk, scratch: scratch, sql: "SELECT id FROM runs").compactMap { Int($0[0]) })
        if Set(started).count != started.count { problems.append("events.jsonl starts runs \(started): a run id given out twice") }
        for run in Set(started).subtracting(runs).sorted() {
            problems.append("events.jsonl started run \(run), which the state does not have")
        }
        return problems
    }
}
