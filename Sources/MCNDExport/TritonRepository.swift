import MCNDFileSystem
import MCNDModel

/// Writes an exported model into a Triton model repository:
///
///     DIR/mcnd/<version>/model.onnx
///     DIR/mcnd/labels.txt
///     DIR/mcnd/config.pbtxt      (names <version> as the one that serves)
///
/// Each file is replaced atomically and the config last, so a Triton that
/// polls the repository sees the old model or the new one, never a part:
/// until the config names the new version it keeps serving the old one.
/// Older version folders are kept, so an operator can go back.
public struct TritonRepository: Sendable {
    public let directory: Directory

    public init(directory: Directory) {
        self.directory = directory
    }

    public func write(_ model: ModelFile, pixels: PixelType = .float32) throws(FileSystemError) {
        let folder = RawPath(TritonConfig.modelName)
        let version = folder + RawPath(String(model.version))
        let created = try directory.makeDirectories(version)
        try directory.writeFileAtomically(
            ONNXExport(model: model, pixels: pixels).encoded(),
            to: version + RawPath(TritonConfig.modelFile))
        for path in created { try directory.sync(path.parent) }
        let config = TritonConfig(model: model, pixels: pixels)
        try directory.writeFileAtomically(Array(config.labels.utf8), to: folder + RawPath(TritonConfig.labelsFile))
        try directory.writeFileAtomically(Array(config.text.utf8), to: folder + RawPath(TritonConfig.configFile))
    }
}
