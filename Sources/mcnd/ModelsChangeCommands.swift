import ArgumentParser
import Foundation
import Logging
import MCNDPipeline

/// After a change is in the state: the daemon (holding the root) applies it on
/// its next tick; without one, this process opens the root and applies it
/// itself, so the event line is written now.
enum ModelChangeApplier {
    static func apply(_ change: ModelChange?, options: RootOptions) async throws {
        do {
            let pipeline = try Pipeline(
                root: options.resolvedRoot, configuration: try await options.configuration(), logger: Logger(label: "mcnd"))
            pipeline.close()
        } catch PipelineError.rootBusy(_, let pid) {
            print("mcnd\(pid.map { " (pid \($0))" } ?? "") holds the root and serves the change within a second")
        } catch {
            throw fail(error)
        }
    }

    static func describe(_ change: ModelChange) -> String {
        let v = change.version.map(String.init) ?? "-", p = change.previous.map(String.init) ?? "none"
        switch change.event {
        case .pinned: return "model \(v) serves and is pinned (was \(p))"
        case .unpinned: return "model \(v) is no longer pinned; the next promoted model replaces it"
        case .rolledBack: return "rolled back to model \(v) (was \(p)); it is pinned"
        }
    }
}

struct ModelsPinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin", abstract: "Serve model N and keep it: new runs are recorded but do not replace it.")

    @OptionGroup var options: RootOptions
    @Argument(help: "The version.") var version: Int

    func run() async throws {
        let change: ModelChange
        do { change = try ModelsCommand.store(options).pin(version: version) } catch { throw fail(error) }
        print(ModelChangeApplier.describe(change))
        try await ModelChangeApplier.apply(change, options: options)
    }
}

struct ModelsUnpinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpin", abstract: "Let the next promoted model replace the pinned one (which serves until then).")

    @OptionGroup var options: RootOptions

    func run() async throws {
        let change: ModelChange?
        do { change = try ModelsCommand.store(options).unpin() } catch { throw fail(error) }
        guard let change else {
            print("no model is pinned")
            return
        }
        print(ModelChangeApplier.describe(change))
        try await ModelChangeApplier.apply(change, options: options)
    }
}

struct ModelsRollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Serve the model that served before the serving one, and pin it.")

    @OptionGroup var options: RootOptions

    func run() async throws {
        let change: ModelChange
        do { change = try ModelsCommand.store(options).rollback() } catch { throw fail(error) }
        print(ModelChangeApplier.describe(change))
        try await ModelChangeApplier.apply(change, options: options)
    }
}
