import Foundation
import MCNDPipeline
import Testing

/// The configurations in samples/ are read by the real loader: each is valid,
/// and the one that says it is mcnd's defaults (or the book's run) equals them.
@Suite("Sample configurations") struct SampleConfigurationTests {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples")

    static func load(_ name: String) async throws -> MCNDConfiguration {
        try await ConfigurationLoader.load(file: samples.appendingPathComponent(name).path, environment: [:], overrides: [])
    }

    @Test("samples/default.yaml is mcnd's defaults, written out")
    func defaultsSample() async throws {
        let loaded = try await Self.load("default.yaml")
        #expect(loaded == MCNDConfiguration())
        #expect(loaded.training == MCNDConfiguration().training)
        #expect(loaded.recipe == MCNDConfiguration().recipe)
    }

    @Test("samples/book.yaml is the book's run")
    func bookSample() async throws {
        let loaded = try await Self.load("book.yaml")
        #expect(loaded == MCNDConfiguration.book)
    }

    @Test("every sample configuration loads", arguments: ["default.yaml", "book.yaml"])
    func loads(_ name: String) async throws {
        _ = try await Self.load(name)
        let listed = try FileManager.default.contentsOfDirectory(atPath: Self.samples.path).filter { $0.hasSuffix(".yaml") }
        #expect(Set(listed) == ["default.yaml", "book.yaml"], "a new sample joins this test's list")
    }

    @Test("train.augment and train.augment_flip read on and off however YAML types them")
    func augmentWords() async throws {
        for (text, expected) in [("off", "off"), ("on", "on"), ("auto", "auto"), ("false", "off"), ("true", "on")] {
            let c = try await ConfigurationLoader.load(
                file: nil, environment: [:], overrides: ["train.augment=\(text)", "train.augment_flip=\(text)"])
            #expect(c.recipe.augment.rawValue == expected, "train.augment=\(text)")
            #expect(c.recipe.augmentFlip.rawValue == expected, "train.augment_flip=\(text)")
        }
    }
}
