import Foundation
import MCNDPipeline
import Testing

/// What the README says about the review loop's format check, checked against
/// the code: the key and its default, the JSON fields, the reasons, the metric.
@Suite("Review documentation") struct ReviewDocumentationTests {
    static let section = TrainingDocumentationTests.section

    @Test("review.format_check: the configuration table and mcnd init's template give the code's default")
    func formatCheckKey() async throws {
        let review = ReviewSettings()
        #expect(
            Self.section("Configuration").contains("| `review.format_check` | `\(review.formatCheck)` |"), "the configuration table's row")
        #expect(ConfigurationTemplate.yaml.contains("format_check: \(review.formatCheck)"))
        let path = FileManager.default.temporaryDirectory.path + "/mcnd-template-\(UUID().uuidString).yaml"
        try ConfigurationTemplate.yaml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let loaded = try await ConfigurationLoader.load(file: path, environment: [:], overrides: [])
        #expect(loaded.review == review, "the template loads as the defaults")
        let set = try await ConfigurationLoader.load(file: nil, environment: [:], overrides: ["review.format_check=false"])
        #expect(set.review.formatCheck == false)
    }

    @Test("every unfamiliar reason and its fields are in the README's JSON lines, status and metrics sections")
    func reasons() {
        let lines = Self.section("Output: JSON lines"), metrics = Self.section("Metrics for Prometheus: outbox/mcnd.prom")
        for key in ["`unfamiliar_reason`", "`unfamiliar_detail`"] { #expect(lines.contains(key), "\(key) in JSON lines") }
        for reason in UnfamiliarReason.allCases {
            #expect(lines.contains("`\(reason.rawValue)`"), "\(reason.rawValue) in JSON lines")
        }
        #expect(metrics.contains("| `mcnd_review_unfamiliar_files{reason}`"), "the metric's row")
    }
}
