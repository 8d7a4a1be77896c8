import ArgumentParser
import Foundation
import MCNDModel
import MCNDPipeline

/// `mcnd models list|show|pin|unpin|rollback|export`: every kept model, which
/// one serves, and taking one elsewhere. Reads and writes the state without
/// the root's lock, so it works beside the daemon (which picks a change up
/// on its next 250 ms tick).
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List, pin, roll back and export models.",
        subcommands: [
            ModelsListCommand.self, ModelsShowCommand.self, ModelsPinCommand.self, ModelsUnpinCommand.self,
            ModelsRollbackCommand.self, ModelsExportCommand.self,
        ])

    /// The state of `options`' root, which must exist already.
    static func store(_ options: RootOptions) throws -> StateStore {
        let layout = RootLayout(root: options.resolvedRoot)
        return try StateStore(layout: layout, root: try layout.openExisting(), busyTimeout: MCNDConfiguration().stateBusyTimeoutSeconds)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

struct ModelsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every kept model: version, run, accuracy, labels, serving, pinned.")

    @OptionGroup var options: RootOptions
    @Flag(help: "Print a JSON array instead of a table.") var json = false

    func run() async throws {
        let records: [ModelRecord]
        do { records = try ModelsCommand.store(options).modelRecords() } catch { throw fail(error) }
        if json {
            print(try ModelsCommand.json(records))
            return
        }
        print(["version", "run", "created", "val_accuracy", "labels", "serving", "pinned"].joined(separator: "\t"))
        for r in records {
            print(
                [
                    String(r.version), r.run.map(String.init) ?? "-", r.created,
                    r.valAccuracy.map { String(format: "%.4f", $0) } ?? "-",
                    "\(r.labels.count) (\(r.labels.joined(separator: ",")))",
                    r.serving ? "serving" : "-", r.pinned ? "pinned" : "-",
                ].joined(separator: "\t"))
        }
    }
}

struct ModelsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One model: hyperparameters, input spec, metrics.")

    @OptionGroup var options: RootOptions
    @Argument(help: "The version (default: the serving model).") var version: Int?

    struct Shown: Encodable {
        var version: Int
        var created: String
        var labels: [String]
        var input: InputSpec
        var hyperparameters: TrainingOptions
        var metrics: [String: Double]
        var serving: Bool
        var pinned: Bool
    }

    func run() async throws {
        do {
            let store = try ModelsCommand.store(options)
            let model = try store.model(version: version)
            let record = try store.modelRecords().first { $0.version == model.version }
            // Pretty JSON: the one format that shows nested settings plainly and scripts can read.
            let shown = Shown(
                version: model.version, created: model.created, labels: model.labels, input: model.input,
                hyperparameters: model.options, metrics: model.metrics,
                serving: record?.serving ?? false, pinned: record?.pinned ?? false)
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(shown), as: UTF8.self))
        } catch {
            throw fail(error)
        }
    }
}
