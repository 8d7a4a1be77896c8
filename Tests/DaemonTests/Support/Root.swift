import Foundation
import MCNDTestSupport

/// A root made with `mcnd init`, with the paths the tests look at.
struct Root {
    let path: String
    var inbox: String { "\(path)/inbox" }
    var outbox: String { "\(path)/outbox" }
    var predictions: JSONLinesFile { JSONLinesFile(path: "\(path)/outbox/predictions.jsonl") }
    var events: JSONLinesFile { JSONLinesFile(path: "\(path)/outbox/events.jsonl") }

    static func create(in scratch: Scratch) async throws -> Root {
        let root = Root(path: "\(scratch.path)/root")
        let child = try await MCND.run(["init", root.path], scratch: scratch.url)
        guard child.succeeded else { throw TestFailure(child.transcript) }
        return root
    }

    /// Imports `perClass` Fashion-MNIST images of each class in `classes` as label
    /// folders under `folder` (e.g. a staging folder outside the inbox).
    func importLabeled(perClass: Int, classes: [Int], skip: Int = 0, into folder: String, scratch: Scratch) async throws {
        let split = try Fashion.trainSplit()
        let idx = try split.writeIDX(split.stratified(perClass: perClass, classes: classes, skip: skip), to: scratch.url, name: "subset")
        let child = try await MCND.run(
            ["import-idx", "--images", idx.images, "--labels", idx.labels, "--out", folder],
            scratch: scratch.url)
        guard child.succeeded else { throw TestFailure(child.transcript) }
    }

    /// A root with a trained model: `perClass` examples of `classes` through `mcnd --once`.
    static func trained(in scratch: Scratch, perClass: Int = 40, classes: [Int] = [0, 1, 7, 9]) async throws -> Root {
        let root = try await create(in: scratch)
        try await root.importLabeled(perClass: perClass, classes: classes, into: root.inbox, scratch: scratch)
        let once = try await MCND.run(
            [
                "--root", root.path, "--once", "--set", "settle_seconds=0", "--set", "train.epochs=3", "--set", "train.min_steps=0",
                "--set", "train.cross_validation_below=0", "--set", "train.refit_below=0",
            ],
            scratch: scratch.url)
        guard once.succeeded, once.stdout.contains("promoted model") else {
            throw TestFailure("no model was trained: \(once.transcript)")
        }
        return root
    }
}
