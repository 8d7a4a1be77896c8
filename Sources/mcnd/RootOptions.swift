import ArgumentParser
import Foundation
import MCNDPipeline

/// Options every command takes: where the root is and how it is configured.
struct RootOptions: ParsableArguments {
    @Option(name: .long, help: "The root folder (default: $MCND_ROOT, or the current directory).")
    var root: String?

    @Option(name: .long, help: "The configuration file (default: ROOT/mcnd.yaml when it exists).")
    var config: String?

    @Option(
        name: .customLong("set"), help: ArgumentHelp("Override one configuration key, e.g. --set train.epochs=10.", valueName: "key=value"))
    var overrides: [String] = []

    var resolvedRoot: String {
        let env = ProcessInfo.processInfo.environment
        let r = root ?? env["MCND_ROOT"] ?? FileManager.default.currentDirectoryPath
        return r.hasPrefix("/") ? r : FileManager.default.currentDirectoryPath + "/" + r
    }

    func configuration() async throws -> MCNDConfiguration {
        let layout = RootLayout(root: resolvedRoot)
        let env = ProcessInfo.processInfo.environment
        var file = config ?? env["MCND_CONFIG"]
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

/// Prints `mcnd: reason` and exits non-zero, for errors a user can act on.
func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("mcnd: \(error)\n".utf8))
    if case PipelineError.rootBusy = error { return ExitCode(75) }
    if case PipelineError.stateBusy = error { return ExitCode(75) }
    return ExitCode(1)
}
