import ArgumentParser
import Foundation
import MCNDPipeline

/// `mcnd check`: the full check of a root's state on demand (RootCheck).
/// Read-only, without the root's lock: safe while the daemon runs.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the state database and the model files for damage (read-only; safe while the daemon runs).",
        discussion: """
            Runs SQLite's PRAGMA integrity_check over every page and index, the rows' references \
            (PRAGMA foreign_key_check), the CRC of every model in the state and in state/models/, \
            and that the serving model has its file there. Exits 0 when all is well, 1 with one \
            line per finding (and what to do) when not.
            """)

    @OptionGroup var options: RootOptions

    func run() async throws {
        let layout = RootLayout(root: options.resolvedRoot)
        let check: RootCheck
        do {
            let configuration = try await options.configuration()
            check = try RootCheck.run(layout: layout, busyTimeout: configuration.stateBusyTimeoutSeconds)
        } catch {
            throw fail(error)
        }
        print(Self.summary(check, layout))
        guard check.passed else {
            for finding in check.findings { FileHandle.standardError.write(Data("mcnd: \(finding)\n".utf8)) }
            throw ExitCode(1)
        }
    }

    static func summary(_ check: RootCheck, _ layout: RootLayout) -> String {
        let database =
            check.examples.map {
                "\($0) examples, \(check.storedModels) models (serving: \(check.servingVersion.map(String.init) ?? "none"))"
            }
            ?? "damaged, not read further"
        let count = check.findings.count
        let verdict = check.passed ? "ok" : "DAMAGED (\(count) \(count == 1 ? "finding" : "findings"), on stderr)"
        return "\(layout.database): \(database)\n\(layout.path(RootLayout.Name.models)): \(check.modelFiles) model files\ncheck: \(verdict)"
    }
}
