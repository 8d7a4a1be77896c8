import Foundation
import MCNDTestSupport
import Testing

/// The root every kill trial starts from, and the inputs dropped into it.
extension EndToEnd.KillTests {
    func makeTemplate(_ scratch: Scratch) throws -> Template {
        let root = scratch.appending("template").path
        try MCND.succeed(["init", root], scratch: scratch.url)
        let train = try Fashion.trainSplit()
        for i in train.stratified(perClass: 30, classes: 0..<5) {
            try Files.drop(try train.png(i), into: scratch.appending("template/inbox"), as: "\(Fashion.name(train.label(i)))/t-\(i).png")
        }
        try MCND.succeed(["--root", root, "--once"] + Self.options, scratch: scratch.url)
        // Requests the template's model answers: the doubtful ones wait in review/ for re-scoring.
        let test = try Fashion.testSplit()
        for i in test.stratified(perClass: 12, classes: 0..<10, skip: 20) {
            try Files.drop(try test.png(i), into: scratch.appending("template/inbox"), as: "old-\(i).png")
        }
        try MCND.succeed(["--root", root, "--once"] + Self.options, scratch: scratch.url)
        let status = try StatusRecord.of(root: root, scratch: scratch.url)
        try #require(status.status.model != nil, "the template root has no model")
        let archive = Files.regularFiles(under: URL(fileURLWithPath: root + "/archive"))
        let shas = try Files.sha256(archive.filter { $0.hasPrefix("labeled/") }.map { root + "/archive/" + $0 })
        var examples: [String: String] = [:]
        for (path, sha) in shas {
            let relative = path.dropFirst((root + "/archive/labeled/").count)
            examples[sha] = String(relative.prefix { $0 != "/" })
        }
        return Template(
            root: root, archive: archive,
            eventLines: JSONLines.lines(root + "/outbox/events.jsonl").count,
            predictionLines: JSONLines.lines(root + "/outbox/predictions.jsonl").count,
            lossLines: JSONLines.lines(root + "/outbox/losses.jsonl").count,
            rescoredLines: JSONLines.lines(root + "/outbox/rescored.jsonl").count,
            review: Files.regularFiles(under: URL(fileURLWithPath: root + "/review")),
            examples: examples, counts: status.status.examplesPerLabel)
    }

    /// ~320 files: prediction requests, new examples (and a new label), duplicates,
    /// conflicts, and bad files at the top and in label folders.
    func makeInputs(template: Template, scratch: Scratch) throws -> [Input] {
        let train = try Fashion.trainSplit()
        let test = try Fashion.testSplit()
        var files: [(String, [UInt8])] = []
        var bad: [String: String] = [:]
        for (k, i) in test.stratified(perClass: 20, classes: 0..<10).enumerated() {
            files.append((String(format: "q-%03d.png", k), try test.png(i)))
        }
        // Two requests with the same content: two lines, one per file.
        files.append(("q-same-a.png", try test.png(5000)))
        files.append(("q-same-b.png", try test.png(5000)))
        for i in train.stratified(perClass: 12, classes: 0..<5, skip: 30) + train.stratified(perClass: 20, classes: [5]) {
            files.append(("\(Fashion.name(train.label(i)))/n-\(i).png", try train.png(i)))
        }
        // Content the dataset has: under its own label (duplicates), under another (conflicts).
        let known = template.archive.filter { $0.hasPrefix("labeled/") }
        for (k, path) in known.prefix(8).enumerated() {
            let label = String(path.dropFirst("labeled/".count).prefix { $0 != "/" })
            files.append(("\(label)/dup-\(k).png", try Files.read(template.root + "/archive/" + path)))
        }
        for (k, path) in known.filter({ $0.hasPrefix("labeled/Coat/") }).prefix(6).enumerated() {
            files.append(("Dress/conf-\(k).png", try Files.read(template.root + "/archive/" + path)))
        }
        // New content under two labels in the same drop: Sandal/… comes first in byte order.
        for i in train.stratified(perClass: 2, classes: [6]) {
            let png = try train.png(i)
            files.append(("Sandal/twice-\(i).png", png))
            files.append(("Trouser/twice-\(i).png", png))
        }
        let valid = try test.png(1)
        for k in 0..<6 {
            files.append(("bad-text-\(k).png", Array("not a PNG, file \(k)\n".utf8)))
            bad["bad-text-\(k).png"] = "not_png"
        }
        for k in 0..<3 {
            files.append(("bad-empty-\(k).png", []))
            bad["bad-empty-\(k).png"] = "empty"
        }
        for k in 0..<5 {
            files.append(("bad-cut-\(k).png", Array(valid.prefix(40 + k * 30))))
            bad["bad-cut-\(k).png"] = "truncated"
        }
        for k in 0..<3 {
            files.append(("Coat/bad-\(k).png", Array("GIF89a\(k)".utf8)))
            bad["Coat/bad-\(k).png"] = "not_png"
        }
        for k in 0..<2 {
            files.append(("Pullover/cut-\(k).png", Array(valid.prefix(60 + k * 50))))
            bad["Pullover/cut-\(k).png"] = "truncated"
        }

        // The fate of each labeled file follows from the content seen before it, in the
        // byte order of paths (the order mcnd ingests in, across restarts too).
        let staging = scratch.appending("staging")
        for (relative, bytes) in files { try Files.drop(bytes, into: staging, as: relative) }
        let shas = try Files.sha256(files.map { staging.path + "/" + $0.0 })
        var seen = template.examples
        var inputs: [Input] = []
        for (relative, bytes) in files.sorted(by: { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }) {
            let fate: Fate
            if let reason = bad[relative] {
                fate = .rejected(reason)
            } else if let slash = relative.firstIndex(of: "/") {
                let label = String(relative[..<slash])
                let sha = try #require(shas[staging.path + "/" + relative])
                switch seen[sha] {
                case nil:
                    fate = .example(label)
                    seen[sha] = label
                case label: fate = .duplicate(label)
                default: fate = .conflict
                }
            } else {
                fate = .predicted
            }
            inputs.append(Input(relative: relative, bytes: bytes, fate: fate))
        }
        try FileManager.default.removeItem(at: staging)
        // The mix this test is about.
        #expect(inputs.filter { $0.fate == .predicted }.count == 202)
        #expect(inputs.filter { if case .example = $0.fate { true } else { false } }.count == 82)
        #expect(inputs.filter { if case .duplicate = $0.fate { true } else { false } }.count == 8)
        #expect(inputs.filter { $0.fate == .conflict }.count == 8)
        #expect(inputs.filter { if case .rejected = $0.fate { true } else { false } }.count == 19)
        return inputs
    }
}
