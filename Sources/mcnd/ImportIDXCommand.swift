import ArgumentParser

struct ImportIDXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import-idx", abstract: "Not yet built.")
    func run() throws { throw ValidationError("import-idx is not built yet") }
}
