import Foundation
import MCNDPipeline
import Testing

/// One set of keys: what the loader reads is what `mcnd init` writes, what the
/// README's configuration table lists, and all a person may give; anything
/// else is refused with the nearest key.
@Suite("Configuration keys") struct ConfigurationKeysTests {
    static func message(_ body: () async throws -> Void) async -> String {
        do {
            try await body()
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test("an unknown key in --set or in the file is refused, with the key meant")
    func unknownKeys() async throws {
        let set = await Self.message {
            _ = try await ConfigurationLoader.load(file: nil, environment: [:], overrides: ["train.epoch=5", "train.epochs=5"])
        }
        #expect(set.contains("unknown key train.epoch (--set) — did you mean train.epochs?"), "\(set)")
        let path = FileManager.default.temporaryDirectory.path + "/mcnd-keys-\(UUID().uuidString).yaml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "train:\n  learning_rte: 0.5\n  epochs: 3\nreveiw:\n  target_precision: 0.9\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        let file = await Self.message { _ = try await ConfigurationLoader.load(file: path, environment: [:], overrides: []) }
        #expect(file.contains("unknown key train.learning_rte (\(path)) — did you mean train.learning_rate?"), "\(file)")
        #expect(file.contains("unknown key reveiw.target_precision (\(path)) — did you mean review.target_precision?"), "\(file)")
        #expect(!file.contains("train.epochs ("), "a known key is not named: \(file)")
        let far = await Self.message { _ = try await ConfigurationLoader.load(file: nil, environment: [:], overrides: ["colour=blue"]) }
        #expect(far.contains("unknown key colour (--set)") && !far.contains("did you mean"), "\(far)")
    }

    @Test("MCND_* variables shaped like a key that name none are reported (a warning); the prefix's other uses are not")
    func variables() {
        let env = [
            "MCND_TRAIN_EPOCH": "3", "MCND_TRAIN_EPOCHS": "3", "MCND_BIN": "x", "MCND_ROOT": "/r", "MCND_INPUT_WIDHT": "9", "PATH": "/bin",
        ]
        #expect(ConfigurationKeys.unknownVariables(env) == ["MCND_INPUT_WIDHT", "MCND_TRAIN_EPOCH"])
        #expect(ConfigurationKeys.variable("train.batch_size") == "MCND_TRAIN_BATCH_SIZE")
    }

    @Test("mcnd init's template writes every key the loader reads, and no other")
    func template() throws {
        let keys = Set(try ConfigurationKeys.keys(inYAML: ConfigurationTemplate.yaml))
        #expect(ConfigurationKeys.all.count > 40)
        #expect(ConfigurationKeys.all.subtracting(keys).sorted() == [], "keys missing from the template")
        #expect(keys.subtracting(ConfigurationKeys.all).sorted() == [], "template keys the loader does not read")
    }

    @Test("the README's configuration table lists every key the loader reads, and no other")
    func readme() {
        let table = TrainingDocumentationTests.section("Configuration")
        var listed = Set<String>()
        for line in table.split(separator: "\n") where line.hasPrefix("| `") {
            let first = line.dropFirst(2).prefix { $0 != "|" }
            for part in first.split(separator: "`", omittingEmptySubsequences: false).enumerated() where part.offset % 2 == 1 {
                listed.insert(String(part.element))
            }
        }
        #expect(ConfigurationKeys.all.subtracting(listed).sorted() == [], "keys without a row")
        #expect(listed.subtracting(ConfigurationKeys.all).sorted() == [], "rows for keys the loader does not read")
    }

    @Test("docs/configuration.md's table is the one the key table makes (mcnd config keys --markdown), whole")
    func reference() {
        let page = Documentation.page("docs/configuration.md")
        #expect(page.contains(ConfigurationTemplate.reference), "regenerate it with `mcnd config keys --markdown`")
        #expect(ConfigurationTemplate.reference.split(separator: "\n").count == ConfigurationKey.all.count + 2)
    }

    @Test("each key is declared once, and every default the table shows loads back as the default")
    func declaredOnce() async throws {
        let names = ConfigurationKey.all.map(\.name)
        #expect(Set(names).count == names.count, "a key declared twice")
        let overrides = ConfigurationKey.all.map {
            "\($0.name)=\($0.defaultValue.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))"
        }
        let loaded = try await ConfigurationLoader.load(file: nil, environment: [:], overrides: overrides)
        #expect(loaded == MCNDConfiguration(), "--set with every shown default")
    }
}
