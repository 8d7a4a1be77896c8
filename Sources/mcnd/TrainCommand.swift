import ArgumentParser
import Logging
import MCNDPipeline

/// `mcnd train [--full]`: ingest, train now (whatever the schedule says), predict.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Ingest the inbox and train now.")

    @OptionGroup var options: RootOptions

    @Flag(help: "Retrain from fresh weights instead of continuing from the serving model.")
    var full = false

    func run() async throws {
        do {
            let pipeline = try Pipeline(
                root: options.resolvedRoot, configuration: try await options.configuration(), logger: MCNDLog.logger())
            let summary = try pipeline.once(train: full ? .full : .always)
            pipeline.close()
            print(OnceReport(summary).text)
        } catch {
            throw fail(error)
        }
    }
}
