import Logging
import MCNDExport
import MCNDFileSystem
import MCNDModel

/// `export.onnx_dir`: the serving model written as a Triton repository entry
/// (TritonRepository: the version folder, then labels, then the config, each
/// atomically). A failure is logged and an error event written; serving goes on.
struct ServingExport {
    let context: PipelineContext

    func write(_ model: ModelFile) {
        let setting = context.configuration.export.onnxDirectory
        guard !setting.isEmpty else { return }
        let path = setting.hasPrefix("/") ? setting : context.layout.root + "/" + setting
        do throws(FileSystemError) {
            let directory = try Directory.open(path: path, creating: true)
            try TritonRepository(directory: directory).write(model)
            context.logger.info("exported model \(model.version) to \(path)")
        } catch {
            context.logger.error("cannot export model \(model.version) to \(path): \(error)")
            context.emit("error") { $0.add("detail", "export.onnx_dir: cannot export model \(model.version) to \(path): \(error)") }
        }
    }
}
