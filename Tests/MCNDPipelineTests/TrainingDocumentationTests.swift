import Foundation
import MCNDModel
import MCNDPipeline
import Testing

/// What the README says about when runs start and why they wait, checked
/// against the code: the key and its default, the metrics, the reasons.
@Suite("Training documentation") struct TrainingDocumentationTests {
    static var readme: String { Documentation.readme }

    static func section(_ name: String) -> String { Documentation.section(name) }

    static func formatted(_ seconds: Double) -> String { seconds == seconds.rounded() ? String(Int(seconds)) : "\(seconds)" }

    @Test("train.max_delay_seconds: the configuration table and mcnd init's template give the code's default")
    func maxDelayKey() async throws {
        let schedule = TrainingSchedule()
        #expect(!Self.readme.isEmpty, "README.md not found beside the package")
        #expect(
            Self.section("Configuration").contains("| `train.max_delay_seconds` | `\(Self.formatted(schedule.maxDelaySeconds))` |"),
            "the configuration table's row")
        #expect(Self.section("Training").contains("`train.max_delay_seconds` (\(Self.formatted(schedule.maxDelaySeconds)) s)"))
        let path = FileManager.default.temporaryDirectory.path + "/mcnd-template-\(UUID().uuidString).yaml"
        try ConfigurationTemplate.yaml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(ConfigurationTemplate.yaml.contains("max_delay_seconds: \(Self.formatted(schedule.maxDelaySeconds))"))
        let loaded = try await ConfigurationLoader.load(file: path, environment: [:], overrides: [])
        #expect(loaded.schedule == schedule, "the template loads as the defaults")
        let set = try await ConfigurationLoader.load(file: nil, environment: [:], overrides: ["train.max_delay_seconds=7.5"])
        #expect(set.schedule.maxDelaySeconds == 7.5)
    }

    @Test("the recipe's penalty grid and augmentation defaults are the README's")
    func recipeDefaults() {
        let recipe = TrainingRecipe()
        let grid = TrainingRecipe.penalties.map { "\($0)" }
        #expect(Self.section("Training").contains("\(grid.dropLast().joined(separator: ", ")) and \(grid.last!)"), "the grid \(grid)")
        let table = Self.section("Configuration")
        #expect(table.contains("with \(grid.dropLast().joined(separator: ", ")) and \(grid.last!)"))
        #expect(table.contains("| `train.augment_shift` | `\(recipe.augmentShift)` |"))
        #expect(table.contains("| `train.augment_flip` | `\(recipe.augmentFlip.rawValue)` |"))
        #expect(
            table.contains(
                "| `train.augment` | `\(recipe.augment.rawValue)` | random shifts of \(Int(ImageAugmentation.defaultShiftShare * 100)) %"))
        #expect(Self.section("Training").contains("more than \(Int(TrainingRecipe.refinementMargin * 100)) %"), "the refinement margin")
    }

    @Test("every metric about waiting runs has a row in the README's metrics table")
    func metricsTable() {
        let table = Self.section("Metrics for Prometheus: outbox/mcnd.prom")
        for metric in TrainingMetric.allCases {
            #expect(table.contains("| `\(metric.rawValue)"), "\(metric.rawValue) has no row")
        }
    }

    @Test("every reason a due run waits for is named in the README's training section and in the metrics table")
    func reasons() {
        let training = Self.section("Training"), metrics = Self.section("Metrics for Prometheus: outbox/mcnd.prom")
        for reason in TrainingWait.Reason.allCases {
            #expect(training.contains("`\(reason.rawValue)`"), "\(reason.rawValue) in Training")
            #expect(metrics.contains("`\(reason.rawValue)`"), "\(reason.rawValue) in the metrics table")
        }
    }
}
