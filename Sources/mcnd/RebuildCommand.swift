import ArgumentParser
import Logging
import MCNDPipeline

/// `mcnd rebuild`: recover from an unusable state database.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Move the state database aside and recreate the dataset from archive/labeled/.",
        discussion: """
            For a state database mcnd refuses to open (truncated, overwritten). The old file is kept \
            as state/mcnd.sqlite.unusable-TIME; the newest state/models/model-N.npz whose labels fit \
            serves again until the next run.
            """)

    @OptionGroup var options: RootOptions

    func run() async throws {
        do {
            let s = try Pipeline.rebuild(
                root: options.resolvedRoot, configuration: try await options.configuration(), logger: MCNDLog.logger())
            print(
                "rebuilt: \(s.examples) examples from archive/labeled/"
                    + (s.setAside.map { "; the old database is \($0)" } ?? "")
                    + (s.conflicts > 0 ? "; \(s.conflicts) conflicting duplicates skipped" : "")
                    + (s.rejected > 0 ? "; \(s.rejected) unusable files skipped" : "")
                    + "; review queue: \(s.reviewQueued) files"
                    + (s.reviewUnmatched > 0 ? " (\(s.reviewUnmatched) in review/ without their prediction line)" : "")
                    + "; serving model: " + (s.modelVersion.map { "version \($0)" } ?? "none (the next run trains one)"))
        } catch {
            throw fail(error)
        }
    }
}
