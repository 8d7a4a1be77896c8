import ArgumentParser
import MCNDPipeline

/// `mcnd config keys`: every configuration key with its default and meaning,
/// from the one table the loader reads (docs/configuration.md is its `--markdown`).
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Describe mcnd's configuration.", subcommands: [Keys.self])

    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every configuration key with its default and meaning.")

        @Flag(help: "The reference table in Markdown, as docs/configuration.md holds it.")
        var markdown = false

        func run() {
            if markdown {
                print(ConfigurationTemplate.reference, terminator: "")
                return
            }
            for key in ConfigurationKey.all {
                print("\(key.name) = \(key.defaultValue)")
                print("    " + ConfigurationTemplate.plain(key.meaning))
            }
        }
    }
}
