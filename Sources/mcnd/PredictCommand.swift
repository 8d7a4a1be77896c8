import ArgumentParser
import Foundation
import MCNDPipeline

/// `mcnd predict FILE…`: prediction lines on stdout with the serving model;
/// nothing is moved and the outbox is not touched.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "predict", abstract: "Predict files to stdout, without the inbox.")

    @OptionGroup var options: RootOptions

    @Argument(help: "PNG files.")
    var files: [String]

    func run() async throws {
        let layout = RootLayout(root: options.resolvedRoot)
        var failed = false
        do {
            let configuration = try await options.configuration()
            let root = try layout.open()
            guard root.exists(RootLayout.Name.database) else { throw PipelineError.noModel }
            // Read-only: works beside the daemon and while another process holds the write lock.
            let store = try StateStore(readingOnly: layout, root: root, busyTimeout: configuration.stateBusyTimeoutSeconds)
            guard let model = try store.servingModel() else { throw PipelineError.noModel }
            let predictor = try FilePredictor(model: model, limits: configuration.limits)
            for file in files {
                switch predictor.predict(path: file) {
                case .success(let line): print(line, terminator: "")
                case .failure(let reason):
                    failed = true
                    FileHandle.standardError.write(Data("mcnd: \(file): \(reason)\n".utf8))
                }
            }
        } catch {
            throw fail(error)
        }
        if failed { throw ExitCode(1) }
    }
}
