import Foundation
import MCNDModel
import Testing

struct ModelFileTests {
    static func sample() -> ModelFile {
        var generator = SeededGenerator(seed: 9)
        let weights = NetworkWeights.initialized(inputs: 12, units: 5, classes: 3, scheme: .normal, generator: &generator)
        var options = TrainingOptions.book
        options.l2 = 0.01
        options.units = 5
        return ModelFile(
            version: 7, labels: ["Bag", "T-shirt_top", "Zapato é"],
            input: InputSpec(width: 4, height: 3), options: options,
            metrics: ["val_accuracy": 0.8151, "loss": 0.42], created: "2026-11-29T03:00:00.000Z",
            weights: weights)
    }

    @Test func roundTripKeepsEverything() throws {
        let model = Self.sample()
        let decoded = try ModelFile(decoding: model.encoded())
        #expect(decoded == model)
    }

    @Test func encodingIsReproducible() {
        #expect(Self.sample().encoded() == Self.sample().encoded())
    }

    @Test func corruptionIsDetected() throws {
        var bytes = Self.sample().encoded()
        bytes[bytes.count / 2] ^= 0xFF
        #expect(throws: (any Error).self) { try ModelFile(decoding: bytes) }
        #expect(throws: (any Error).self) { try ModelFile(decoding: Array(bytes.prefix(100))) }
        #expect(throws: (any Error).self) { try ModelFile(decoding: []) }
    }

    @Test func newerFormatIsRefused() throws {
        var archive = try NumpyArchive(decoding: Self.sample().encoded())
        guard case .uint8(_, let json)? = archive["meta"] else {
            Issue.record("no meta")
            return
        }
        let newer = String(decoding: json, as: UTF8.self).replacingOccurrences(
            of: "\"format_version\":\(ModelFile.formatVersion)", with: "\"format_version\":99")
        archive["meta"] = .uint8(shape: [newer.utf8.count], values: Array(newer.utf8))
        #expect(throws: ModelFile.Failure.newerFormat(99)) { try ModelFile(decoding: archive.encoded()) }
    }

    /// The sample with a review calibration fitted on 60 random rows (every check present).
    static func calibrated() throws -> ModelFile {
        var model = sample()
        var generator = SeededGenerator(seed: 3)
        let rows = FeatureRows(values: (0..<12 * 60).map { _ in Float(generator.unit()) }, width: 12)
        let data = LabeledRows(rows: rows, labels: (0..<60).map { Int32($0 % 3) })
        model.review = ReviewCalibration.fit(
            network: MultiClassNetwork(weights: model.weights), train: data, validation: data, targetPrecision: 0.5,
            minimumSupport: 5)
        let review = try #require(model.review)
        #expect(review.mahalanobis != nil && review.inputCheck != nil && review.neighbours != nil && review.pixelDensity != nil)
        return model
    }

    @Test("the review calibration's large arrays are float32 arrays of the archive, not JSON numbers in meta")
    func reviewArraysAreBinary() throws {
        let model = try Self.calibrated()
        let archive = try NumpyArchive(decoding: model.encoded())
        guard case .uint8(_, let json)? = archive["meta"], let review = model.review, let mahalanobis = review.mahalanobis else {
            Issue.record("no meta or no review")
            return
        }
        guard case .float32(let shape, let values)? = archive["review_mahalanobis_whitening"] else {
            Issue.record("no review_mahalanobis_whitening array: \(archive.names)")
            return
        }
        #expect(shape == [mahalanobis.units, mahalanobis.units] && values == mahalanobis.whitening)
        // meta keeps the scalars and an empty list where each array was.
        let meta = try #require(JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let stored = try #require(meta["review"] as? [String: Any])
        for (check, field) in [
            ("mahalanobis", "whitening"), ("input_check", "basis"), ("neighbours", "centres"), ("pixel_density", "mean"),
        ] {
            let values = (stored[check] as? [String: Any])?[field] as? [Any]
            #expect(values?.isEmpty == true, "\(check).\(field) in meta: \(json.count) bytes of JSON")
        }
        #expect(try ModelFile(decoding: model.encoded()) == model)
    }

    @Test("a model written in format 1, its review arrays in meta's JSON, still loads with the same calibration")
    func formatOneLoads() throws {
        let model = try Self.calibrated()
        let current = try NumpyArchive(decoding: model.encoded())
        guard case .uint8(_, let json)? = current["meta"] else {
            Issue.record("no meta")
            return
        }
        // Format 1's meta: the whole review calibration encoded as JSON, as that version wrote it.
        var meta = try #require(JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        meta["review"] = try JSONSerialization.jsonObject(with: encoder.encode(model.review))
        meta["format_version"] = 1
        let oldJSON = Array(try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys]))
        var old = NumpyArchive()
        old["meta"] = .uint8(shape: [oldJSON.count], values: oldJSON)
        for name in ["W1", "b1", "W2", "b2"] { old[name] = current[name] }
        let loaded = try ModelFile(decoding: old.encoded())
        #expect(loaded.review == model.review && loaded.weights == model.weights)
    }

    /// The documented numpy lines load the file and compute the same probabilities.
    static let numpyAvailable =
        Process.run(ProcessInfo.processInfo.environment["PYTHON"] ?? "/usr/bin/env", ["python3", "-c", "import numpy"]) == 0

    @Test(.enabled(if: numpyAvailable, "python3 with numpy is not available"))
    func numpyLoadsTheFile() throws {
        let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "/usr/bin/env"
        let model = Self.sample()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mcnd-model-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model.npz").path
        try model.write(to: path)
        var generator = SeededGenerator(seed: 3)
        let x = (0..<24).map { _ in Float(generator.unit()) }
        let expected = MultiClassNetwork(weights: model.weights).probabilities(FeatureRows(values: x, width: 12))
        let script = """
            import json, sys, numpy as np
            m = np.load(sys.argv[1])
            meta = json.loads(m["meta"].tobytes())
            x = np.array(json.loads(sys.argv[2]), dtype=np.float32).reshape(2, 12)
            z = (1 / (1 + np.exp(-(x @ m["W1"] + m["b1"])))) @ m["W2"] + m["b2"]
            p = np.exp(z - z.max(axis=1, keepdims=True)); p /= p.sum(axis=1, keepdims=True)
            print(json.dumps({"labels": meta["labels"], "version": meta["version"], "units": meta["hyperparameters"]["units"],
                              "width": meta["input"]["width"], "p": p.ravel().tolist()}))
            """
        let xs = "[" + x.map { "\($0)" }.joined(separator: ",") + "]"
        let output = try Process.output(python, ["python3", "-c", script, path, xs])
        let result = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        #expect(result["labels"] as? [String] == model.labels)
        #expect(result["version"] as? Int == 7)
        #expect(result["units"] as? Int == 5)
        #expect(result["width"] as? Int == 4)
        let p = (result["p"] as! [Double]).map(Float.init)
        #expect(p.count == expected.count)
        for (a, b) in zip(p, expected) { #expect(abs(a - b) <= 1e-5) }
    }
}

extension Process {
    static func run(_ executable: String, _ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    static func output(_ executable: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
