import Foundation
import MCNDTestSupport
import Testing

/// One root trained once for the report tests: 100 Fashion-MNIST training
/// images per class, 20 test images to predict, two bad files; `mcnd --once`.
final class ReportRoot: @unchecked Sendable {
    let scratch: Scratch
    let root: String

    static let shared: Result<ReportRoot, any Error> = Result { try ReportRoot() }

    private init() throws {
        scratch = try Scratch("report")
        root = scratch.appending("root").path
        let inbox = scratch.appending("root/inbox")
        let train = try Fashion.trainSplit(), test = try Fashion.testSplit()
        try MCND.succeed(["init", root], scratch: scratch.url)
        let idx = try train.writeIDX(train.stratified(perClass: 100, classes: 0..<10), to: scratch.url, name: "report")
        try MCND.succeed(["import-idx", "--images", idx.images, "--labels", idx.labels, "--out", inbox.path], scratch: scratch.url)
        for i in 0..<20 { try Files.drop(try test.png(i), into: inbox, as: "q\(i).png") }
        try Files.drop(Array("not a PNG".utf8), into: inbox, as: "notes.png")
        try Files.drop([], into: inbox, as: "empty.png")
        let once = try MCND.run(
            [
                "--root", root, "--once", "--set", "settle_seconds=0", "--set", "train.epochs=8", "--set", "train.min_steps=0", "--set",
                "train.cross_validation_below=0", "--set", "train.refit_below=0",
            ], scratch: scratch.url)
        guard once.succeeded, once.stdout.contains("promoted model 1") else {
            throw Files.Failure("mcnd --once did not promote a model: \(once)")
        }
    }

    var outbox: String { root + "/outbox" }

    /// outbox/report.json as a JSON object.
    func reportJSON() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: outbox + "/report.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Files.Failure("report.json is not an object")
        }
        return object
    }

    /// The repository (for scripts/peers and .build/).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Whether `tool` is on PATH.
    static func has(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }
    }

    /// Runs a program to completion; stdout, stderr and the exit status.
    static func run(
        _ executable: String, _ arguments: [String], in scratch: Scratch
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        // Files, not pipes: a child that fills a pipe nobody reads yet would block.
        let outPath = scratch.appending("run-\(executable).out").path, errPath = scratch.appending("run-\(executable).err").path
        for path in [outPath, errPath] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath)),
            err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return (
            process.terminationStatus, try String(contentsOfFile: outPath, encoding: .utf8),
            try String(contentsOfFile: errPath, encoding: .utf8)
        )
    }
}
