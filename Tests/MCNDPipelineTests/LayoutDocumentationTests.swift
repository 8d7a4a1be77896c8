import Foundation
import Testing

/// The source layout the README draws and the trip docs/development.md tells
/// are the tree's: a newcomer finds where a thing is by the folder's name.
@Suite("Layout documentation") struct LayoutDocumentationTests {
    static let sources = Documentation.root.appendingPathComponent("Sources")

    static func folders(in url: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { name in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isFolder)
                && isFolder.boolValue
        }.sorted()
    }

    /// The names at the start of the layout block's lines (`CDNNL, CLibPNG, CZlib   …` gives three).
    static func drawnNames() -> Set<String> {
        let readme = Documentation.readme.components(separatedBy: "\n## Development\n")
        let block = readme.count > 1 ? readme[1].components(separatedBy: "```") : []
        guard block.count > 1 else { return [] }
        var names: Set<String> = []
        for line in block[1].components(separatedBy: "\n") {
            let head = line.trimmingCharacters(in: .whitespaces).components(separatedBy: "   ").first ?? ""
            for name in head.components(separatedBy: ",") { names.insert(name.trimmingCharacters(in: .whitespaces)) }
        }
        return names
    }

    @Test("every module under Sources/ and every folder of MCNDPipeline is in the README's layout")
    func everyFolderDrawn() {
        let drawn = Self.drawnNames()
        let modules = Self.folders(in: Self.sources)
        let pipeline = Self.folders(in: Self.sources.appendingPathComponent("MCNDPipeline"))
        #expect(modules.count > 10 && pipeline.count > 10)
        #expect(Set(modules + pipeline).subtracting(drawn).sorted() == [])
        // Nothing drawn that is not there (a folder renamed or removed).
        let known = Set(modules + pipeline + ["Sources/", "Tests/", "Support", "systemd/", "scripts/"])
        #expect(drawn.filter { !$0.isEmpty }.subtracting(known).sorted() == [])
    }

    @Test("every type one input's trip names is declared under Sources/")
    func tripNamesExist() throws {
        let trip = Documentation.section("One input's trip")
        let named = trip.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        let types = Set(
            named.compactMap { $0.split(separator: ".").first.map(String.init) }.filter {
                $0.first?.isUppercase == true && $0.allSatisfy { $0.isLetter || $0.isNumber }
            })
        #expect(types.count >= 10)
        let files = FileManager.default.enumerator(atPath: Self.sources.path)?.compactMap { $0 as? String } ?? []
        let source = try files.filter { $0.hasSuffix(".swift") }.map {
            try String(contentsOf: Self.sources.appendingPathComponent($0), encoding: .utf8)
        }.joined(separator: "\n")
        let missing = types.filter { type in
            !["struct", "class", "enum", "final class", "public struct", "public final class", "public enum"].contains {
                source.contains("\($0) \(type) ") || source.contains("\($0) \(type):") || source.contains("\($0) \(type)<")
            }
        }
        #expect(missing.sorted() == [])
    }
}
