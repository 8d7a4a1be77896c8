import Foundation
import MCNDImaging
import MCNDModel
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// `mcnd rebuild` with files waiting in review/: the queue is known again
    /// (status counts it, a person's correction gets its event).
    @Suite struct ReviewRebuildTests {
        static let options = ["--set", "settle_seconds=0"]

        @Test func rebuildRestoresTheReviewQueue() throws {
            let scratch = try Scratch("review-rebuild")
            let root = scratch.appending("root").path
            let inbox = scratch.appending("root/inbox")
            let train = try Fashion.trainSplit(), test = try Fashion.testSplit()
            try MCND.succeed(["init", root], scratch: scratch.url)
            let idx = try train.writeIDX(Array(0..<2000), to: scratch.url, name: "train")
            try MCND.succeed(["import-idx", "--images", idx.images, "--labels", idx.labels, "--out", inbox.path], scratch: scratch.url)
            try MCND.succeed(["--root", root, "--once"] + Self.options, scratch: scratch.url)
            var truth: [String: String] = [:]
            for i in 0..<300 {
                let name = String(format: "t-%03d.png", i)
                try Files.drop(try test.png(i), into: inbox, as: name)
                truth[name] = Fashion.name(test.label(i))
            }
            var generator = SeededGenerator(seed: 7)
            for k in 0..<5 {
                let noise = (0..<784).map { _ in UInt8(generator.next() & 0xFF) }
                try Files.drop(
                    try PNGCodec.encode(DecodedImage(width: 28, height: 28, layout: .gray, pixels: noise)), into: inbox,
                    as: "n-\(k).png")
            }
            try MCND.succeed(["--root", root, "--once"] + Self.options, scratch: scratch.url)
            let before = try ReviewStatusRecord.of(root: root, scratch: scratch.url).review.queue
            let waiting = Files.regularFiles(under: URL(fileURLWithPath: root + "/review"))
            #expect(before.values.reduce(0, +) == waiting.count && (before["_unfamiliar"] ?? 0) >= 5, "\(before)")

            let rebuilt = try MCND.succeed(["rebuild", "--root", root], scratch: scratch.url)
            let after = try ReviewStatusRecord.of(root: root, scratch: scratch.url).review.queue
            #expect(after == before, "after rebuild: \(after), before: \(before); \(rebuilt.stdout)")
            let reasons = try ReviewStatusRecord.of(root: root, scratch: scratch.url).review.unfamiliarReasons
            #expect(
                reasons == ["content": before["_unfamiliar"] ?? 0], "unfamiliar by reason after rebuild: \(String(describing: reasons))")

            // A person sorts one doubtful file and one unfamiliar one into label folders.
            let lines = JSONLines.decode(ReviewedPrediction.self, root + "/outbox/predictions.jsonl").filter { $0.review == true }
            let doubtful = try #require(lines.first { $0.unfamiliar == false && truth[$0.file] != nil })
            let strange = try #require(lines.first { $0.unfamiliar == true })
            let moves = [(doubtful, "review/\(doubtful.label)/", truth[doubtful.file]!), (strange, "review/_unfamiliar/", "Bag")]
            for (line, folder, label) in moves {
                try FileManager.default.createDirectory(atPath: inbox.path + "/" + label, withIntermediateDirectories: true)
                try FileManager.default.moveItem(atPath: root + "/" + folder + line.file, toPath: inbox.path + "/\(label)/\(line.file)")
            }
            try MCND.succeed(["--root", root, "--once"] + Self.options, scratch: scratch.url)
            let events = JSONLines.decode(ReviewEventRecord.self, root + "/outbox/events.jsonl").filter {
                ["confirmed", "corrected"].contains($0.event)
            }
            for (line, folder, label) in moves {
                let e = events.filter { $0.file == "\(label)/\(line.file)" }
                #expect(
                    e.count == 1 && e.first?.event == (label == line.label ? "confirmed" : "corrected") && e.first?.predicted == line.label
                        && e.first?.modelVersion == line.modelVersion && e.first?.reviewFile == folder + line.file, "\(line.file): \(e)")
            }
            // The pass may train and promote a model, which re-scores the queue.
            let rescored = JSONLines.decode(RescoredRecord.self, root + "/outbox/rescored.jsonl")
            let queue = try ReviewStatusRecord.of(root: root, scratch: scratch.url).review.queue
            #expect(queue.values.reduce(0, +) == waiting.count - 2 - rescored.count, "\(queue), \(rescored.count) re-scored")
            #expect(queue.values.reduce(0, +) == Files.regularFiles(under: URL(fileURLWithPath: root + "/review")).count)
        }
    }
}
