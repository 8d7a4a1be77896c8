import ArgumentParser
import Foundation
import MCNDModel
import MCNDPipeline

/// `mcnd init [DIR]`: the folder layout and a commented configuration file.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create a root: its folders and a commented mcnd.yaml.")

    @Argument(help: "The root to create (default: the current directory).")
    var directory: String?

    func run() throws {
        let root = directory ?? FileManager.default.currentDirectoryPath
        let layout = RootLayout(root: root)
        do {
            try RawPath(layout.root).makeDirectories()
            try layout.create()
            if !FileManager.default.fileExists(atPath: layout.defaultConfiguration) {
                try FileBytes.writeAtomically(Array(ConfigurationTemplate.yaml.utf8), to: layout.defaultConfiguration)
            }
        } catch {
            throw fail(error)
        }
        print("created \(layout.root): inbox/ outbox/ archive/ rejected/ state/ mcnd.yaml")
    }
}
