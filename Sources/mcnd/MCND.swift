import ArgumentParser
import Foundation
import Logging
import MCNDDaemon
import MCNDFileSystem
import MCNDPipeline
import MCNDReviewPage
import ServiceLifecycle

/// The `mcnd` command: a thin layer over the library modules.
@main
struct MCND: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcnd",
        abstract: "Turns a folder into an image classifier.",
        discussion: """
            Without a subcommand, mcnd watches ROOT/inbox as a daemon until SIGTERM; \
            with --once it handles what is in the inbox and exits.
            """,
        version: BuildInfo.version,
        subcommands: [
            InitCommand.self, StatusCommand.self, ReportCommand.self, TrainCommand.self, PredictCommand.self, RebuildCommand.self,
            CheckCommand.self, ImportIDXCommand.self, ModelsCommand.self, ConfigCommand.self, ReviewCommand.self,
        ])

    @OptionGroup var options: RootOptions

    @Flag(help: "Ingest everything complete in the inbox, train if due, predict everything pending, exit.")
    var once = false

    func run() async throws {
        let configuration: MCNDConfiguration
        do { configuration = try await options.configuration() } catch { throw fail(error) }
        let logger = MCNDLog.logger()
        if once {
            do {
                let pipeline = try Pipeline(root: options.resolvedRoot, configuration: configuration, logger: logger)
                let summary = try pipeline.once()
                pipeline.close()
                print(OnceReport(summary).text)
                // Exit 0 all the same: every outcome is recorded and the next run moves the files.
                if let warning = OnceReport(summary).waitingWarning { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
            } catch {
                throw fail(error)
            }
        } else {
            let options = self.options
            let environment = ProcessInfo.processInfo.environment
            let daemon = DaemonService(root: options.resolvedRoot, environment: environment, logger: logger) {
                try await options.configuration()
            }
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: daemon)]
            // The review page beside the daemon's work (review.listen); a change of the key needs a restart.
            if !configuration.review.listen.isEmpty {
                let layout = RootLayout(root: options.resolvedRoot)
                do {
                    // The daemon makes the root at its start; the page needs the folder to exist to open it.
                    let root = try Directory.open(path: layout.root, creating: true)
                    try layout.create(in: root)
                    let server = try ReviewServer(root: root, layout: layout, settings: ReviewPageSettings(configuration: configuration))
                    services.append(.init(service: server.application(logger: logger)))
                } catch {
                    throw fail(error)
                }
            }
            let group = ServiceGroup(
                configuration: .init(
                    services: services,
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            do { try await group.run() } catch {
                throw fail(error)
            }
        }
    }
}

/// The one-paragraph account `--once`, `train` print.
struct OnceReport {
    let summary: Pipeline.OnceSummary
    init(_ summary: Pipeline.OnceSummary) { self.summary = summary }

    var text: String {
        let i = summary.ingest, t = summary.training, p = summary.predict
        var parts = ["examples +\(i.examples)"]
        if i.duplicates > 0 { parts.append("duplicates \(i.duplicates)") }
        if i.conflicts > 0 { parts.append("conflicts \(i.conflicts)") }
        parts.append("rejected \(i.rejected + p.rejected)")
        switch t.outcome {
        case .notDue: parts.append("training: \(t.reason ?? "not due")")
        case .promoted:
            parts.append(
                "training: run \(t.run!) (\(t.mode!)) promoted model \(t.modelVersion!)"
                    + (t.validationAccuracy.map { String(format: ", val_accuracy %.4f", $0) } ?? ""))
        case .keptServing, .diverged, .interrupted:
            parts.append("training: run \(t.run!) (\(t.mode!)) \(t.outcome.rawValue): \(t.reason ?? "")")
        }
        parts.append("predicted \(p.predicted)")
        if p.reviewed > 0 { parts.append("to review \(p.reviewed) (unfamiliar \(p.unfamiliar), audit \(p.audited))") }
        if p.rescored > 0 { parts.append("rescored \(p.rescored)") }
        if p.waiting > 0 { parts.append("waiting \(p.waiting)") }
        if i.incomplete + p.incomplete > 0 { parts.append("incomplete \(i.incomplete + p.incomplete)") }
        if summary.unsettled > 0 { parts.append("not settled yet \(summary.unsettled)") }
        let waiting = summary.waitingToMove.values.reduce(0, +)
        if waiting > 0 { parts.append("waiting to be moved \(waiting)") }
        return parts.joined(separator: "; ")
    }

    /// For stderr: which inputs wait to be moved, where, and what to do.
    var waitingWarning: String? {
        guard !summary.waitingToMove.isEmpty else { return nil }
        let folders = summary.waitingToMove.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
        return "mcnd: warning: \(summary.waitingToMove.values.reduce(0, +)) inputs are done but wait to be moved, in \(folders) "
            + "(what to do is above); exit status 0: the next run moves them once mcnd may change those folders"
    }
}
