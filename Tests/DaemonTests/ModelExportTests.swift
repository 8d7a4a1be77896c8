import Foundation
import MCNDImaging
import MCNDModel
import MCNDTestSupport
import Testing

/// `mcnd models export` checked by the ONNX project's own tools
/// (scripts/onnx-check: onnx's checker, ONNX Runtime, Triton's ModelConfig).
@Suite("Model export", .serialized)
struct ModelExportTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let check = "\(repository)/scripts/onnx-check"
    static let testImages = "\(Fashion.folder)/t10k-images-idx3-ubyte.gz"

    /// Why the Python side cannot run here, or nil (scripts/setup installs onnx, onnxruntime and tritonclient).
    static let pythonMissing: String? = {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import onnx, onnxruntime, tritonclient.grpc.model_config_pb2, google.protobuf"]
        probe.standardError = FileHandle.nullDevice
        do {
            try probe.run()
            probe.waitUntilExit()
        } catch { return "python3 cannot be started: \(error)" }
        return probe.terminationStatus == 0 ? nil : "python3 lacks onnx, onnxruntime or tritonclient (scripts/setup installs them)"
    }()

    static func python(_ arguments: [String], in scratch: Scratch) async throws -> [String: Any] {
        let child = try Child("/usr/bin/env", ["python3", check] + arguments, output: scratch.path)
        guard let exit = try await child.wait(timeout: 120), exit.succeeded,
            let object = try JSONSerialization.jsonObject(with: Data(child.stdout.utf8)) as? [String: Any]
        else {
            throw TestFailure("onnx-check failed: \(child.transcript)")
        }
        return object
    }

    @Test(
        "ONNX Runtime matches mcnd predict on 1,000 Fashion-MNIST test images (1e-5, same labels); checker passes; config.pbtxt is Triton's ModelConfig of the same graph",
        .enabled(if: pythonMissing == nil, "skipped: \(pythonMissing ?? "")"))
    func onnxRuntimeParity() async throws {
        let scratch = try Scratch("onnx")
        let root = try await Root.trained(in: scratch, perClass: 50, classes: Array(0..<10))
        // The first 1,000 test images as <index>.png, predicted by mcnd.
        let images = try IDXFile.read(path: Self.testImages)
        let flat = "\(scratch.path)/test"
        try Files.makeFolder(flat)
        var paths: [String] = []
        for i in 0..<1000 {
            let png = try PNGCodec.encode(
                DecodedImage(width: 28, height: 28, layout: .gray, pixels: Array(images.bytes[i * 784..<(i + 1) * 784])))
            paths.append("\(flat)/\(i).png")
            try Files.write(png, to: paths[i])
        }
        let predict = try await MCND.run(["--root", root.path, "predict"] + paths, scratch: scratch.url)
        guard predict.exit?.succeeded == true else { throw TestFailure(predict.transcript) }
        let predictions = "\(scratch.path)/predictions.jsonl"
        try Files.write(Array(predict.stdout.utf8), to: predictions)

        let triton = "\(scratch.path)/triton"
        let export = try await MCND.run(["--root", root.path, "models", "export", "--triton", triton], scratch: scratch.url)
        guard export.exit?.succeeded == true else { throw TestFailure(export.transcript) }
        let r = try await Self.python(
            [
                "--model", "\(triton)/mcnd/1/model.onnx", "--images", Self.testImages, "--count", "1000",
                "--predictions", predictions, "--triton", triton,
            ], in: scratch)
        #expect(r["checker"] as? String == "ok")
        #expect(r["compared"] as? Int == 1000)
        let diff = r["max_abs_diff"] as? Double ?? .infinity
        #expect(diff <= 1e-5, "max |ORT − mcnd| = \(diff)")
        print("onnx parity: \(r["compared"] ?? 0) images, max |ORT − mcnd| = \(diff), label mismatches \(r["label_mismatches"] ?? "?")")
        #expect(r["label_mismatches"] as? Int == 0)
        // The review loop's calibration temperature, when the model has one, is a Mul before the Softmax.
        #expect(
            r["ops"] as? [String] == ["Div", "MatMul", "Add", "Sigmoid", "MatMul", "Add", "Mul", "Softmax", "ArgMax"],
            "a model trained with review on is calibrated: \(String(describing: r["ops"]))")
        #expect((r["opset"] as? Int ?? 0) >= 13)
        let metadata = r["metadata"] as? [String: String] ?? [:]
        let names = metadata["labels"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String] } ?? []
        #expect(Set(names) == Set(FashionMNIST.classNames) && names.count == 10, "\(names)")
        #expect(metadata["input"]?.contains("\"width\":28") == true && metadata["mcnd_model_version"] == "1")

        // Triton's config names the graph's inputs and outputs with the graph's shapes (less the batch dimension).
        let graphIn = r["inputs"] as? [String: [Any]] ?? [:], graphOut = r["outputs"] as? [String: [Any]] ?? [:]
        let t = r["triton"] as? [String: Any] ?? [:]
        #expect(t["platform"] as? String == "onnxruntime_onnx" && t["name"] as? String == "mcnd" && t["versions"] as? [Int] == [1])
        #expect((t["max_batch_size"] as? Int ?? 0) > 0)
        let tIn = t["inputs"] as? [String: [Any]] ?? [:], tOut = t["outputs"] as? [String: [Any]] ?? [:]
        #expect(Set(tIn.keys) == Set(graphIn.keys) && Set(tOut.keys) == Set(graphOut.keys), "\(tIn.keys) \(tOut.keys)")
        #expect(graphIn["pixels"]?.first as? [Int] == [-1, 784] && tIn["pixels"]?.first as? [Int] == [784])
        #expect(tIn["pixels"]?[1] as? String == "TYPE_FP32")
        #expect(graphOut["probabilities"]?.first as? [Int] == [-1, 10] && tOut["probabilities"]?.first as? [Int] == [10])
        #expect(tOut["probabilities"]?[3] as? String == "labels.txt")
        // label is [N]: declared [1], reshaped to [] for Triton's batching.
        #expect(graphOut["label"]?.first as? [Int] == [-1] && tOut["label"]?.first as? [Int] == [1] && tOut["label"]?[2] as? [Int] == [])
        let labels = try String(contentsOfFile: "\(triton)/mcnd/labels.txt", encoding: .utf8)
        #expect(labels == names.map { $0 + "\n" }.joined(), "labels.txt is the metadata's labels, one a line")

        // The uint8 input: a Cast first, the same answers.
        let small = "\(scratch.path)/uint8.onnx"
        let u8 = try await MCND.run(
            ["--root", root.path, "models", "export", "1", "--pixels", "uint8", "--out", small], scratch: scratch.url)
        guard u8.exit?.succeeded == true else { throw TestFailure(u8.transcript) }
        let r8 = try await Self.python(
            ["--model", small, "--images", Self.testImages, "--count", "1000", "--predictions", predictions], in: scratch)
        #expect(r8["checker"] as? String == "ok" && (r8["ops"] as? [String])?.first == "Cast")
        #expect((r8["max_abs_diff"] as? Double ?? .infinity) <= 1e-5 && r8["label_mismatches"] as? Int == 0)
    }

    @Test(
        "export.onnx_dir: --once writes the promoted model as a Triton repository entry; a pin rewrites the config to name the pinned version"
    )
    func exportOnPromotion() async throws {
        let scratch = try Scratch("onnxdir")
        let root = try await Root.create(in: scratch)
        try await root.importLabeled(perClass: 30, classes: [0, 1, 7], into: root.inbox, scratch: scratch)
        let folder = "\(scratch.path)/repository"
        let settings = [
            "--set", "settle_seconds=0", "--set", "train.epochs=2", "--set", "train.min_steps=0", "--set", "train.cross_validation_below=0",
            "--set", "train.refit_below=0",
            "--set", "export.onnx_dir=\(folder)", "--set",
            "train.promote_tolerance=1",
        ]
        let once = try await MCND.run(["--root", root.path, "--once"] + settings, scratch: scratch.url)
        #expect(once.stdout.contains("promoted model 1"), "\(once.transcript)")
        let train = try await MCND.run(["--root", root.path, "train"] + settings, scratch: scratch.url)
        #expect(train.stdout.contains("promoted model 2"), "\(train.transcript)")
        #expect(
            Files.regularFiles(under: folder) == ["mcnd/1/model.onnx", "mcnd/2/model.onnx", "mcnd/config.pbtxt", "mcnd/labels.txt"],
            "\(Files.regularFiles(under: folder))")
        let config = { (try? String(contentsOfFile: "\(folder)/mcnd/config.pbtxt", encoding: .utf8)) ?? "" }
        #expect(config().contains("versions: [ 2 ]"), "\(config())")
        let pin = try await MCND.run(["--root", root.path, "models", "pin", "1"] + settings, scratch: scratch.url)
        #expect(pin.exit?.succeeded == true, "\(pin.transcript)")
        #expect(config().contains("versions: [ 1 ]"), "the pin is exported too: \(config())")
    }
}
