import Foundation

/// The repository's documentation as the tests read it: README.md, the entry
/// page, and the reference pages under docs/.
enum Documentation {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A page by its path in the repository ("README.md", "docs/configuration.md"); empty when missing.
    static func page(_ path: String) -> String {
        (try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)) ?? ""
    }

    /// The pages under docs/, by path.
    static let referencePages: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)) ?? []
        return names.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    }()

    static let readme = page("README.md")

    /// Every page, README first.
    static let all: String = ([readme] + referencePages.map(page)).joined(separator: "\n")

    /// The section headed `name` (at any level), up to the next heading of the
    /// same or a higher level: the reference pages' first, then the README's
    /// (whose short sections share names with the pages).
    static func section(_ name: String) -> String {
        for text in referencePages.map(page) + [readme] {
            let lines = text.components(separatedBy: "\n")
            guard let start = lines.firstIndex(where: { heading($0)?.title == name }), let level = heading(lines[start])?.level
            else { continue }
            let rest = lines[(start + 1)...]
            let end = rest.firstIndex { line in heading(line).map { $0.level <= level } ?? false } ?? lines.endIndex
            return lines[(start + 1)..<end].joined(separator: "\n")
        }
        return ""
    }

    /// A Markdown heading's level and title (code blocks hold no headings in these pages).
    static func heading(_ line: String) -> (level: Int, title: String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard hashes > 0, line.dropFirst(hashes).first == " " else { return nil }
        return (hashes, String(line.dropFirst(hashes + 1)))
    }
}
