import Logging
import MCNDExport
import MCNDFileSystem
import MCNDModel

/// `export.onnx_dir`: the serving model written as a Triton repository entry
/// (TritonRepository: the version folder, then labels, then the config, each
/// atomically). A failure is logged and an error event written; serving goes on.
struct ServingExport {
    let layout: RootLayout
    let settings: ExportSettings
    let outbox: Outbox
    let logger: Logger

    func write(_ model: ModelFile) {
        let setting = settings.onnxDirectory
        guard !setting.isEmpty else { return }
        let path = setting.hasPrefix("/") ? setting : layout.root + "/" + setting
        do throws(FileSystemError) {
            let directory = try Directory.open(path: path, creating: true)
            try TritonRepository(directory: directory).write(model)
            logger.info("exported model \(model.version) to \(path)")
        } catch {
            logger.error("cannot export model \(model.version) to \(path): \(error)")
            outbox.emit(.error) { $0.add("detail", "export.onnx_dir: cannot export model \(model.version) to \(path): \(error)") }
        }
    }
}
