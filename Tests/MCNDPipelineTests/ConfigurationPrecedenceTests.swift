import Foundation
import MCNDPipeline
import Testing

/// Configuration precedence, in-process: `--set` flags over `MCND_*`
/// environment variables over the YAML file over the defaults.
@Suite("Configuration precedence") struct ConfigurationPrecedenceTests {
    static func file(_ yaml: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/mcnd-config-\(UUID().uuidString).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("each source overrides the one before it, key by key")
    func flagsOverEnvironmentOverFile() async throws {
        let path = try Self.file("settle_seconds: 7\ntrain:\n  units: 32\n  epochs: 3\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let defaults = MCNDConfiguration()
        let fromFile = try await ConfigurationLoader.load(file: path, environment: [:], overrides: [])
        #expect(fromFile.settleSeconds == 7 && fromFile.training.units == 32 && fromFile.training.epochs == 3)
        #expect(fromFile.predictBatch == defaults.predictBatch, "keys the file leaves out keep their defaults")
        let withEnvironment = try await ConfigurationLoader.load(file: path, environment: ["MCND_TRAIN_UNITS": "64"], overrides: [])
        #expect(withEnvironment.training.units == 64 && withEnvironment.training.epochs == 3)
        let withFlags = try await ConfigurationLoader.load(
            file: path, environment: ["MCND_TRAIN_UNITS": "64"],
            overrides: ["train.units=16", "settle_seconds=0"])
        #expect(withFlags.training.units == 16 && withFlags.settleSeconds == 0 && withFlags.training.epochs == 3)
    }

    @Test("a bad value is refused with its key named")
    func badValuesNameTheirKey() async throws {
        await #expect { try await ConfigurationLoader.load(file: nil, environment: [:], overrides: ["train.units=many"]) } throws: {
            error in
            "\(error)".contains("train.units")
        }
        await #expect { try await ConfigurationLoader.load(file: nil, environment: [:], overrides: ["no-equals-sign"]) } throws: { error in
            "\(error)".contains("key=value")
        }
    }
}
