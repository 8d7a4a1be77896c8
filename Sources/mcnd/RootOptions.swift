import ArgumentParser
import Foundation
import MCNDPipeline

/// Options every command takes: where the root is and how it is configured.
struct RootOptions: ParsableArguments {
    @Option(name: .long, help: "The root folder (default: $MCND_ROOT, or the current directory).")
    var root: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The instance NAME of mcnd@NAME.service: root /var/lib/mcnd/NAME, config /etc/mcnd/NAME.yaml (when it exists).",
            valueName: "name"))
    var instance: String?

    @Option(name: .long, help: "The configuration file (default: ROOT/mcnd.yaml when it exists).")
    var config: String?

    @Option(
        name: .customLong("set"), help: ArgumentHelp("Override one configuration key, e.g. --set train.epochs=10.", valueName: "key=value"))
    var overrides: [String] = []

    func validate() throws {
        guard let instance else { return }
        if root != nil { throw ValidationError("--instance names the root already; give --instance or --root, not both") }
        if let problem = Instances.problem(instance) { throw ValidationError(problem) }
    }

    var resolvedRoot: String {
        let env = ProcessInfo.processInfo.environment
        if let instance { return Instances(environment: env).root(instance) }
        let r = root ?? env["MCND_ROOT"] ?? FileManager.default.currentDirectoryPath
        return r.hasPrefix("/") ? r : FileManager.default.currentDirectoryPath + "/" + r
    }

    func configuration() async throws -> MCNDConfiguration {
        let layout = RootLayout(root: resolvedRoot)
        let env = ProcessInfo.processInfo.environment
        var file = config ?? env["MCND_CONFIG"]
        if file == nil, let instance {
            let path = Instances(environment: env).config(instance)
            if FileManager.default.fileExists(atPath: path) { file = path }
        }
        if file == nil, FileManager.default.fileExists(atPath: layout.defaultConfiguration) {
            file = layout.defaultConfiguration
        }
        for name in ConfigurationKeys.unknownVariables(env) {
            // A warning only: scripts may keep variables of their own under the prefix.
            FileHandle.standardError.write(Data("mcnd: warning: \(name) names no configuration key; it is ignored\n".utf8))
        }
        return try await ConfigurationLoader.load(file: file, environment: env, overrides: overrides)
    }
}

/// Where instances live: `mcnd@NAME.service` serves /var/lib/mcnd/NAME with /etc/mcnd/NAME.yaml.
/// `MCND_INSTANCES_DIR` and `MCND_INSTANCE_CONFIG_DIR` move both (for tests and unusual layouts).
struct Instances {
    static let defaultDirectory = "/var/lib/mcnd"
    static let defaultConfigDirectory = "/etc/mcnd"
    var directory: String
    var configDirectory: String

    init(environment: [String: String]) {
        directory = environment["MCND_INSTANCES_DIR"] ?? Self.defaultDirectory
        configDirectory = environment["MCND_INSTANCE_CONFIG_DIR"] ?? Self.defaultConfigDirectory
    }

    func root(_ name: String) -> String { directory + "/" + name }
    func config(_ name: String) -> String { configDirectory + "/" + name + ".yaml" }

    /// Why NAME cannot be an instance: one path component, not hidden, not a folder of the plain root beneath it.
    static func problem(_ name: String) -> String? {
        if name.isEmpty || name.contains("/") || name.hasPrefix(".") || name.hasPrefix("_") {
            return "an instance name is one folder name, not empty and not starting with `.` or `_`, got \"\(name)\""
        }
        if RootLayout.Folder(rawValue: name) != nil || name == ConfigurationTemplate.fileName {
            return "\"\(name)\" is a folder of the root \(defaultDirectory) itself (mcnd.service's); choose another instance name"
        }
        return nil
    }

    /// Every instance: the folders directly beneath `directory` that could be one, by name
    /// (with a state database or not: `status --all` says which have none yet).
    func names() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.filter { name in
            var isFolder: ObjCBool = false
            guard Self.problem(name) == nil else { return false }
            return FileManager.default.fileExists(atPath: root(name), isDirectory: &isFolder) && isFolder.boolValue
        }.sorted()
    }
}

/// Prints `mcnd: reason` and exits non-zero, for errors a user can act on.
func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("mcnd: \(error)\n".utf8))
    if case PipelineError.rootBusy = error { return ExitCode(75) }
    if case PipelineError.stateBusy = error { return ExitCode(75) }
    return ExitCode(1)
}
