import Configuration
import Foundation
import MCNDImaging
import MCNDModel
import SystemPackage

/// Reads MCNDConfiguration from, in order of precedence: `--set key=value`
/// flags, `MCND_*` environment variables, the YAML file, the defaults.
public enum ConfigurationLoader {
    public static func load(
        file: String?, environment: [String: String], overrides: [String]
    ) async throws(PipelineError) -> MCNDConfiguration {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for item in overrides {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw .badConfiguration("--set takes key=value, got \(item)")
            }
            let key = String(item[..<eq]), value = String(item[item.index(after: eq)...])
            values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(.string(value), isSecret: false)
        }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: values),
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "mcnd"),
        ]
        var unknown = ConfigurationKeys.problems(values.keys.map { $0.components.joined(separator: ".") }.sorted(), in: "--set")
        if let file {
            do {
                providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(file)))
                let text = try String(contentsOfFile: file, encoding: .utf8)
                unknown += ConfigurationKeys.problems(try ConfigurationKeys.keys(inYAML: text), in: file)
            } catch {
                throw .badConfiguration("cannot read \(file): \(error)")
            }
        }
        guard unknown.isEmpty else { throw .badConfiguration(unknown.joined(separator: "; ")) }
        return try read(ConfigReader(providers: providers))
    }

    /// The table's keys read one by one, then the checks that span several keys.
    static func read(_ reader: ConfigReader) throws(PipelineError) -> MCNDConfiguration {
        var out = MCNDConfiguration()
        let values = ConfigurationValues(reader)
        for key in ConfigurationKey.all { key.read(&out, values) }
        var problems = values.problems
        problems += out.training.problems.map { "train." + $0 }
        problems += out.recipe.problems.map { "train." + $0 }
        if let problem = out.metrics.problem { problems.append(problem) }
        problems += out.review.problems
        if let problem = out.input.problem { problems.append("input: \(problem)") }
        guard problems.isEmpty else { throw .badConfiguration(problems.joined(separator: "; ")) }
        return out
    }
}
