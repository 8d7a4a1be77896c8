import Foundation
import Glibc
import MCNDModel
import MCNDTestSupport
import Testing

/// How a kill trial is judged: which stage it hit, what the journal held, and
/// the exactly-once invariant for every input.
extension EndToEnd.KillTests {
    /// Which stage a killed run was in, from what it had written: no training
    /// run started yet → ingest; started, not finished → training; finished but
    /// no prediction line yet → rescore (the review queue goes first); else predict.
    func stage(root: String, template: Template) -> String {
        let data = FileManager.default.contents(atPath: root + "/outbox/events.jsonl") ?? Data()
        let events = data.split(separator: UInt8(ascii: "\n")).dropFirst(template.eventLines)
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
            .compactMap { $0["event"] as? String }
        let started = events.filter { $0 == "run_started" }.count
        let finished = events.filter { $0 == "run_finished" }.count
        if started == 0 { return "ingest" }
        if started > finished { return "training" }
        let predictions = (FileManager.default.contents(atPath: root + "/outbox/predictions.jsonl") ?? Data()).count {
            $0 == UInt8(ascii: "\n")
        }
        return predictions > template.predictionLines ? "predict" : "rescore"
    }

    /// The rows of the state's `journal` table (outcomes decided, not yet finished)
    /// as (outcome, source relative to the root).
    func journalEntries(root: String, scratch: Scratch) throws -> [(outcome: String, source: String)] {
        try stateRows(root: root, scratch: scratch, sql: "SELECT outcome, source FROM journal ORDER BY id")
            .map { ($0[0], $0.dropFirst().joined(separator: "\t")) }
    }

    /// The rows `sql` selects from the root's state database, each column as text
    /// (blobs as UTF-8), read with python3's sqlite3 from a copy so the root
    /// stays exactly as the kill left it.
    func stateRows(root: String, scratch: Scratch, sql: String) throws -> [[String]] {
        let copy = scratch.appending("journal-peek")
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: copy) }
        for suffix in ["", "-wal", "-shm"] where Files.exists(root + "/state/mcnd.sqlite" + suffix) {
            try FileManager.default.copyItem(atPath: root + "/state/mcnd.sqlite" + suffix, toPath: copy.path + "/mcnd.sqlite" + suffix)
        }
        let script = """
            import sqlite3, sys
            text = lambda v: bytes(v).decode('utf-8', 'replace') if isinstance(v, bytes) else str(v)
            for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
                print('\\t'.join(text(v) for v in row))
            print('end')
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, copy.path + "/mcnd.sqlite", sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var lines = String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
        guard process.terminationStatus == 0, lines.last == "end" else {
            throw Files.Failure("cannot read the state of \(root) with python3's sqlite3 (exit \(process.terminationStatus)): \(lines)")
        }
        lines.removeLast()
        return lines.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    // MARK: The invariant

    func verify(root: String, template: Template, inputs: [Input], scratch: Scratch) throws -> [String] {
        var problems: [String] = []
        // Every line of every outbox file is one JSON object (no torn line).
        for name in Self.outboxFiles {
            let data = FileManager.default.contents(atPath: root + "/outbox/" + name) ?? Data()
            guard let last = data.last else { continue }
            if last != UInt8(ascii: "\n") { problems.append("\(name) ends in a torn line") }
            var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            if last == UInt8(ascii: "\n") { lines.removeLast() }
            for (k, line) in lines.enumerated() {
                if !((try? JSONSerialization.jsonObject(with: Data(line))) is [String: Any]) {
                    problems.append("\(name) line \(k + 1) is not a JSON object: \(String(decoding: line.prefix(200), as: UTF8.self))")
                }
            }
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        func records<T: Decodable>(_ type: T.Type, _ name: String, after skip: Int) -> [T] {
            let data = FileManager.default.contents(atPath: root + "/outbox/" + name) ?? Data()
            return data.split(separator: UInt8(ascii: "\n")).dropFirst(skip).compactMap { try? decoder.decode(T.self, from: Data($0)) }
        }
        let predictions = records(PredictionRecord.self, "predictions.jsonl", after: template.predictionLines)
        // Where each request must be: archive/predicted/, or review/<label>/ (review/_unfamiliar/) as its line says.
        var placeOf: [String: String] = [:]
        for r in records(ReviewedPrediction.self, "predictions.jsonl", after: template.predictionLines) {
            placeOf[r.file] = r.unfamiliar == true ? "review/_unfamiliar/" : r.review == true ? "review/\(r.label)/" : "archive/predicted/"
        }
        var review: Set<String> = []
        let events = records(EventRecord.self, "events.jsonl", after: template.eventLines)
        var predicted: [String: [PredictionRecord]] = [:]
        for p in predictions { predicted[p.file, default: []].append(p) }
        var rejections: [String: [EventRecord]] = [:]
        var conflicts: [String: [EventRecord]] = [:]
        for e in events where e.event == "rejected" { rejections[e.file ?? "?", default: []].append(e) }
        for e in events where e.event == "conflict" { conflicts[e.file ?? "?", default: []].append(e) }

        let shas = try Files.sha256(
            inputs.filter { $0.fate == .predicted }.map { root + "/" + (placeOf[$0.relative] ?? "?/") + $0.relative }
                .filter { Files.exists($0) })
        var archive = Set(template.archive)
        var rejected: Set<String> = []
        var counts = template.counts
        for input in inputs {
            let name = input.relative
            let lines = predicted.removeValue(forKey: name) ?? []
            let rejects = rejections.removeValue(forKey: name) ?? []
            let conflicted = conflicts.removeValue(forKey: name) ?? []
            switch input.fate {
            case .predicted:
                let place = placeOf[name] ?? "archive/predicted/"
                if place.hasPrefix("review/") {
                    review.insert(String(place.dropFirst(7)) + name)
                } else {
                    archive.insert("predicted/" + name)
                }
                if lines.count != 1 { problems.append("\(name): \(lines.count) prediction lines, expected 1") }
                if let sha = shas[root + "/" + place + name], lines.contains(where: { $0.sha256 != sha }) {
                    problems.append("\(name): a prediction line has sha256 \(lines.map(\.sha256)), the file has \(sha)")
                }
            case .example(let label), .duplicate(let label):
                archive.insert("labeled/" + name)
                if case .example = input.fate { counts[label, default: 0] += 1 }
            case .conflict:
                rejected.insert(name)
                if conflicted.count != 1 { problems.append("\(name): \(conflicted.count) conflict events, expected 1") }
            case .rejected(let reason):
                rejected.insert(name)
                if rejects.count != 1 { problems.append("\(name): \(rejects.count) rejected events, expected 1") }
                if let r = rejects.first, r.reason != reason {
                    problems.append("\(name): rejected as \(r.reason ?? "?"), expected \(reason)")
                }
            }
            if input.fate != .predicted && !lines.isEmpty { problems.append("\(name): \(lines.count) prediction lines, expected none") }
            if case .rejected = input.fate {
            } else if !rejects.isEmpty {
                problems.append("\(name): \(rejects.count) unexpected rejected events")
            }
            if input.fate != .conflict && !conflicted.isEmpty { problems.append("\(name): \(conflicted.count) unexpected conflict events") }
        }
        for (file, lines) in predicted { problems.append("\(lines.count) prediction lines for \(file), which is not a request") }
        for (file, e) in rejections { problems.append("\(e.count) rejected events for \(file), which is not an input") }
        for (file, e) in conflicts { problems.append("\(e.count) conflict events for \(file), which is not an input") }

        // The review files — the template's, and the requests routed there (the daemon
        // predicts with the template's model before its run promotes a new one): re-scored
        // once (one rescored.jsonl line, moved to archive/predicted/) or still waiting in review/ with none.
        let rescored = records(RescoredRecord.self, "rescored.jsonl", after: template.rescoredLines)
        let candidates = review.union(template.review)
        review = []
        for file in candidates {
            let lines = rescored.filter { $0.movedFrom == "review/" + file }
            switch lines.count {
            case 0: review.insert(file)
            case 1: archive.insert(String((lines[0].movedTo ?? "?").dropFirst("archive/".count)))
            default: problems.append("review/\(file): \(lines.count) rescored lines, expected at most 1")
            }
        }
        if rescored.count != Set(rescored.map(\.movedFrom)).count
            || !rescored.allSatisfy({ candidates.contains(String($0.movedFrom.dropFirst(7))) })
        {
            problems.append("rescored.jsonl has lines for other files or twice: \(rescored.map(\.movedFrom))")
        }
        let reviewed = Set(Files.regularFiles(under: URL(fileURLWithPath: root + "/review")))
        for missing in review.subtracting(reviewed).sorted() { problems.append("review/\(missing) is missing") }
        for extra in reviewed.subtracting(review).sorted() { problems.append("review/\(extra) should not exist") }

        // Every input is in exactly one place: archive/ or rejected/, under its own name.
        let archived = Set(Files.regularFiles(under: URL(fileURLWithPath: root + "/archive")))
        for missing in archive.subtracting(archived).sorted() { problems.append("archive/\(missing) is missing") }
        for extra in archived.subtracting(archive).sorted() { problems.append("archive/\(extra) should not exist") }
        let rejectedFiles = Set(Files.regularFiles(under: URL(fileURLWithPath: root + "/rejected")))
        for missing in rejected.subtracting(rejectedFiles).sorted() { problems.append("rejected/\(missing) is missing") }
        for extra in rejectedFiles.subtracting(rejected).sorted() { problems.append("rejected/\(extra) should not exist") }
        for left in Files.regularFiles(under: URL(fileURLWithPath: root + "/inbox")) { problems.append("inbox/\(left) was left") }
        for input in inputs {
            let place =
                input.fate == .predicted
                ? placeOf[input.relative] ?? "archive/predicted/"
                : (rejected.contains(input.relative) ? "rejected/" : "archive/labeled/")
            if let size = Files.size(root + "/" + place + input.relative), size != input.bytes.count {
                problems.append("\(place)\(input.relative) has \(size) bytes, the input had \(input.bytes.count)")
            }
        }

        // One example per distinct (content, label), and a finished training run over them.
        let status = try StatusRecord.of(root: root, scratch: scratch.url)
        if status.status.examplesPerLabel != counts {
            problems.append(
                "examples per label \(status.status.examplesPerLabel.sorted { $0.key < $1.key }), expected \(counts.sorted { $0.key < $1.key })"
            )
        }
        if let run = status.status.lastRun, run.finished == nil || !["promoted", "kept_serving"].contains(run.outcome ?? "") {
            problems.append("the last run \(run.id) ended as \(run.outcome ?? "unfinished")")
        }
        if status.status.lastRun?.outcome == "promoted", !(status.status.model?.labels.contains("Sandal") ?? false) {
            problems.append("the serving model does not know the new label Sandal: \(status.status.model?.labels ?? [])")
        }
        // The run that finished wrote each of its epochs once, in order.
        if let run = status.status.lastRun {
            let epochs = records(LossRecord.self, "losses.jsonl", after: template.lossLines).filter { $0.run == run.id }.map(\.epoch)
            if epochs != Array(1...Self.incrementalEpochs) {
                problems.append("losses.jsonl has epochs \(epochs) for the finished run \(run.id)")
            }
        }
        return problems
    }
}
