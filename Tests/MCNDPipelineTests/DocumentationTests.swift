import Foundation
import MCNDPipeline
import Testing

/// The README as an entry page and the reference pages under docs/: whole,
/// linked, and holding every event and JSON field mcnd writes.
@Suite("Documentation") struct DocumentationTests {
    @Test("the README is an entry page: at most 350 lines, linking every reference page")
    func entryPage() {
        let lines = Documentation.readme.components(separatedBy: "\n").count
        #expect(lines <= 350, "README.md has \(lines) lines")
        #expect(!Documentation.referencePages.isEmpty, "docs/ holds the reference pages")
        for page in Documentation.referencePages {
            #expect(Documentation.readme.contains("](\(page))"), "README links \(page)")
        }
    }

    /// Every `[text](target)` link of a page with a relative target.
    static func links(in path: String) -> [String] {
        let text = Documentation.page(path)
        let pattern = try! Regex(#"\]\(([^)\s]+)\)"#)
        return text.matches(of: pattern).compactMap { match in
            let target = String(text[match.range].dropFirst(2).dropLast())
            return target.hasPrefix("http") || target.hasPrefix("mailto:") ? nil : target
        }
    }

    /// GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens.
    static func anchor(_ title: String) -> String {
        String(
            title.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == " " || $0 == "_" }
                .map { $0 == " " ? "-" : Character($0) })
    }

    static func anchors(of path: String) -> Set<String> {
        var inCode = false
        var result = Set<String>()
        for line in Documentation.page(path).components(separatedBy: "\n") {
            if line.hasPrefix("```") { inCode.toggle() }
            if !inCode, let heading = Documentation.heading(line) { result.insert(anchor(heading.title)) }
        }
        return result
    }

    @Test("every relative link in the README and docs/ names a file that exists, and a heading in it")
    func linksResolve() {
        for page in ["README.md"] + Documentation.referencePages {
            let folder = URL(fileURLWithPath: page).deletingLastPathComponent().relativePath
            for link in Self.links(in: page) {
                let parts = link.split(separator: "#", maxSplits: 1).map(String.init)
                let file = link.hasPrefix("#") ? page : URL(fileURLWithPath: folder + "/" + parts[0]).standardized.relativePath
                let target = file.hasPrefix("/") ? String(file.dropFirst()) : file
                let path = Documentation.root.appendingPathComponent(target).path
                #expect(FileManager.default.fileExists(atPath: path), "\(page): \(link) — no \(target)")
                if let fragment = link.hasPrefix("#") ? String(link.dropFirst()) : parts.dropFirst().first, target.hasSuffix(".md") {
                    #expect(Self.anchors(of: target).contains(fragment), "\(page): \(link) — no such heading in \(target)")
                }
            }
        }
    }

    @Test("every event mcnd writes is named in docs/json-lines.md")
    func events() {
        let page = Documentation.page("docs/json-lines.md")
        let names = EventKind.allCases.map(\.rawValue) + ModelEvent.allCases.map(\.rawValue) + ["confirmed", "corrected"]
        for name in names { #expect(page.contains("`\(name)`"), "event \(name)") }
    }

    /// The keys of a JSON value, nested objects' too (not the keys of `probabilities`, which are labels).
    static func keys(_ value: Any, into keys: inout Set<String>) {
        if let object = value as? [String: Any] {
            for (key, child) in object {
                keys.insert(key)
                if key != "probabilities" { Self.keys(child, into: &keys) }
            }
        } else if let array = value as? [Any] {
            for child in array { Self.keys(child, into: &keys) }
        }
    }

    @Test("every field of every line a pass writes (examples, a model, predictions, review, a rejection, a conflict) is in docs/")
    func fields() throws {
        let root = try TemporaryRoot("documentation")
        try PipelineOnceTests.fill(root)
        try root.write(TemporaryRoot.png(100), to: "inbox/dog/same-as-c0.png")
        for i in 0..<40 { try root.write(TemporaryRoot.png(400 + UInt64(i)), to: "inbox/r\(i).png") }
        let pipeline = try root.pipeline { c in c.schedule.validationFraction = 0.3 }
        _ = try pipeline.once()
        var keys = Set<String>()
        for file in ["predictions.jsonl", "losses.jsonl", "events.jsonl", "rescored.jsonl"] {
            for line in root.lines(file) {
                Self.keys(try JSONSerialization.jsonObject(with: Data(line.utf8)), into: &keys)
            }
        }
        #expect(keys.contains("moved_to") && keys.contains("epoch") && keys.contains("probabilities"), "the pass wrote every kind of line")
        let documented = Documentation.page("docs/json-lines.md") + Documentation.page("docs/review.md")
        for key in keys.sorted() { #expect(documented.contains("`\(key)`"), "field \(key)") }
    }
}
