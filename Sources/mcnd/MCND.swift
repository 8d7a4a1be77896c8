import ArgumentParser

/// The `mcnd` command: a thin layer over the library modules.
@main
struct MCND: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcnd",
        abstract: "Turns a folder into an image classifier.",
        subcommands: [ImportIDXCommand.self])
}
