import ArgumentParser
import Foundation
import MCNDExport
import MCNDFileSystem
import MCNDPipeline

/// `mcnd models export [N] --format npz|onnx --out FILE` or `--triton DIR`.
struct ModelsExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write model N (default: the serving one) as .npz, ONNX, or into a Triton model repository.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case npz, onnx }

    @OptionGroup var options: RootOptions
    @Argument(help: "The version (default: the serving model).") var version: Int?
    @Option(help: "npz (mcnd's model file, for numpy) or onnx.") var format: Format = .onnx
    @Option(help: "The file to write (replaced atomically).") var out: String?
    @Option(help: "A Triton model repository: writes DIR/mcnd/<N>/model.onnx, DIR/mcnd/config.pbtxt, DIR/mcnd/labels.txt.")
    var triton: String?
    @Option(help: "The ONNX input's element type: float32 (0…255) or uint8 (the graph casts).") var pixels: PixelType = .float32

    func validate() throws {
        guard (out == nil) != (triton == nil) else { throw ValidationError("give one of --out FILE or --triton DIR") }
        if triton != nil, format == .npz { throw ValidationError("--triton writes ONNX; leave out --format npz") }
    }

    func run() async throws {
        do {
            let model = try ModelsCommand.store(options).model(version: version)
            if let triton {
                try TritonRepository(directory: try Directory.open(path: triton, creating: true)).write(model, pixels: pixels)
                print("model \(model.version) → \(triton)/\(TritonConfig.modelName)/\(model.version)/\(TritonConfig.modelFile)")
            } else if let out {
                let bytes = format == .npz ? model.encoded() : ONNXExport(model: model, pixels: pixels).encoded()
                try LocalFile.writeAtomically(bytes, to: out)
                print("model \(model.version) → \(out) (\(format.rawValue), \(bytes.count) bytes)")
            }
        } catch {
            throw fail(error)
        }
    }
}

extension PixelType: ExpressibleByArgument {}
