import ArgumentParser
import Foundation
import MCNDFileSystem
import MCNDPipeline

/// `mcnd init [DIR]`: the folder layout and a commented configuration file.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create a root: its folders and a commented mcnd.yaml.")

    @Argument(help: "The root to create (default: --root or --instance, else the current directory).")
    var directory: String?

    // --root and --instance as every command takes them (--instance NAME: /var/lib/mcnd/NAME).
    @OptionGroup var options: RootOptions

    func validate() throws {
        if directory != nil && (options.root != nil || options.instance != nil) {
            throw ValidationError("give the root as DIR, --root or --instance, not both")
        }
    }

    func run() throws {
        let root =
            directory ?? (options.root != nil || options.instance != nil ? options.resolvedRoot : FileManager.default.currentDirectoryPath)
        let layout = RootLayout(root: root)
        do {
            // The root itself may be new, with its parents: the one place a path is created from the top.
            try FileManager.default.createDirectory(atPath: layout.root, withIntermediateDirectories: true)
            let root = try layout.open()
            try layout.create(in: root)
            let configuration = RawPath(ConfigurationTemplate.fileName)
            if !root.exists(configuration) {
                try root.writeFileAtomically(Array(ConfigurationTemplate.yaml.utf8), to: configuration)
            }
        } catch {
            throw fail(error)
        }
        print("created \(layout.root): inbox/ outbox/ archive/ rejected/ state/ mcnd.yaml")
    }
}
