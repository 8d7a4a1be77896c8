import Foundation
import MCNDImaging
import MCNDModel
import MCNDPipeline
import Testing

/// The rule `input.*: auto` follows (InputShape.choose) and the keys that set it.
@Suite("Input shape choice") struct InputShapeChoiceTests {
    static func look(_ width: Int, _ height: Int, _ kind: SourceFormat.ColorKind = .gray, chroma: Double = 0) -> ImageLook {
        ImageLook(source: SourceFormat(width: width, height: height, kind: kind, bitDepth: 8, transparent: false), chroma: chroma)
    }

    static func choose(_ looks: [ImageLook], _ policy: InputShapePolicy = InputShapePolicy()) -> InputShape? {
        InputShape.choose(from: looks, policy: policy, configured: .standard)
    }

    @Test("Fashion-MNIST's files (28×28 gray) keep 28×28 gray")
    func fashion() throws {
        let shape = try #require(Self.choose(Array(repeating: Self.look(28, 28), count: 256)))
        #expect((shape.width, shape.height, shape.channels) == (28, 28, "gray"))
        #expect(shape.sources == "28×28 gray")
    }

    @Test("colour is kept when a fifth of the files show it; RGB files of gray content stay gray")
    func colour() throws {
        let grayContent = Array(repeating: Self.look(32, 32, .rgb, chroma: 0.5), count: 100)
        #expect(Self.choose(grayContent)?.channels == "gray")
        let fifth = Array(repeating: Self.look(16, 16, .rgb, chroma: 30), count: 20) + grayContent.prefix(80)
        #expect(Self.choose(fifth)?.channels == "rgb")
        let fewer = Array(repeating: Self.look(16, 16, .rgb, chroma: 30), count: 19) + grayContent.prefix(81)
        #expect(Self.choose(fewer)?.channels == "gray")
    }

    @Test("the median size, shrunk with its aspect kept to input.max_features")
    func size() throws {
        let mixed = [Self.look(20, 10), Self.look(30, 20), Self.look(64, 48)]
        let median = try #require(Self.choose(mixed))
        #expect((median.width, median.height) == (30, 20))
        #expect(median.sources == "20×10 to 64×48; gray")
        let colour = try #require(Self.choose(Array(repeating: Self.look(40, 30, .rgba, chroma: 50), count: 10)))
        #expect((colour.width, colour.height, colour.channels) == (36, 27, "rgb"), "40×30×3 = 3,600 > 3,072")
        var policy = InputShapePolicy()
        policy.maxFeatures = 100
        let small = try #require(Self.choose([Self.look(200, 100)], policy))
        #expect((small.width, small.height) == (14, 7))
        #expect(small.width * small.height <= 100)
    }

    @Test("a part set to a value stays that value; the rest follows the files")
    func partlyFixed() throws {
        var policy = InputShapePolicy()
        policy.autoChannels = false
        policy.autoWidth = false
        var configured = NormalizationSpec.standard
        configured.width = 64
        let shape = try #require(InputShape.choose(from: [Self.look(100, 100, .rgb, chroma: 90)], policy: policy, configured: configured))
        #expect(shape.channels == "gray", "input.channels fixed at gray")
        #expect((shape.width, shape.height) == (64, 48), "height alone shrinks to 3,072 / 64")
        let spec = policy.applying(shape, to: configured)
        #expect((spec.width, spec.height, spec.channels) == (64, 48, .gray))
        #expect(Self.choose([]) == nil)
    }

    @Test("input.width, input.height, input.channels read auto or a value; input.max_features; the book fixes all")
    func keys() async throws {
        let defaults = try await ConfigurationLoader.load(file: nil, environment: [:], overrides: [])
        #expect(defaults.inputShape == InputShapePolicy())
        #expect(defaults.inputShape.autoWidth && defaults.inputShape.autoHeight && defaults.inputShape.autoChannels)
        let set = try await ConfigurationLoader.load(
            file: nil, environment: ["MCND_INPUT_CHANNELS": "rgb"],
            overrides: ["input.width=32", "input.height=auto", "input.max_features=999"])
        #expect(!set.inputShape.autoWidth && set.input.width == 32)
        #expect(set.inputShape.autoHeight)
        #expect(!set.inputShape.autoChannels && set.input.channels == .rgb)
        #expect(set.inputShape.maxFeatures == 999)
        await #expect(throws: PipelineError.self) {
            _ = try await ConfigurationLoader.load(file: nil, environment: [:], overrides: ["input.max_features=0"])
        }
        #expect(!MCNDConfiguration.book.inputShape.isAuto)
        #expect(InputShapePolicy().maxFeatures == 3072)
    }

    @Test("the README's configuration table gives the defaults")
    func documented() {
        let table = TrainingDocumentationTests.section("Configuration")
        #expect(table.contains("| `input.width` | `auto` |") && table.contains("| `input.height` | `auto` |"))
        #expect(table.contains("| `input.channels` | `auto` |"))
        #expect(table.contains("| `input.max_features` | `\(InputShapePolicy().maxFeatures)` |"))
        #expect(Documentation.section("The state database").contains("`input_shape`"))
    }
}
