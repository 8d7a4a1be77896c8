import Foundation
import MCNDImaging
import MCNDModel
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// The review loop on Fashion-MNIST through the built binary: a model on
    /// 12,000 training images (`mcnd import-idx`), the 10,000 t10k images as
    /// requests, foreign images (PngSuite, random noise); then a person sorts
    /// part of review/ into label folders while more training images arrive,
    /// and the better model re-scores the rest of the queue. Slow (about two
    /// minutes): `swift test -c release --skip-build --filter ReviewLoopTests`.
    @Suite("Review loop on Fashion-MNIST (slow)") struct ReviewLoopTests {
        static let target = 0.95
        static let options = ["--set", "settle_seconds=0"]
        /// `../shared/testdata/png/pngsuite` beside the package.
        static let pngSuite = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/testdata/png/pngsuite")

        @Test func doubtfulAnswersGoToAPersonAndComeBackCorrectedOrRescored() throws {
            let scratch = try Scratch("review")
            let root = scratch.appending("root").path
            let inbox = scratch.appending("root/inbox")
            let train = try Fashion.trainSplit()
            let test = try Fashion.testSplit()
            try MCND.succeed(["init", root], scratch: scratch.url)
            #expect(Files.exists(root + "/review"), "mcnd init did not create review/")
            let first = try train.writeIDX(Array(0..<12_000), to: scratch.url, name: "first")
            try MCND.succeed(["import-idx", "--images", first.images, "--labels", first.labels, "--out", inbox.path], scratch: scratch.url)
            try MCND.succeed(["--root", root, "--once"] + Self.options, scratch: scratch.url)
            let promoted = JSONLines.decode(ReviewEventRecord.self, root + "/outbox/events.jsonl").filter { $0.event == "model_promoted" }
            let calibration = try #require(promoted.last?.calibration, "model_promoted has no calibration")

            // Requests: every t10k image, the PngSuite images, random noise.
            var truth: [String: String] = [:]
            for i in 0..<test.count {
                let name = String(format: "t-%05d.png", i)
                try Files.drop(try test.png(i), into: inbox, as: name)
                truth[name] = Fashion.name(test.label(i))
            }
            let suite = try FileManager.default.contentsOfDirectory(atPath: Self.pngSuite.path).filter { $0.hasSuffix(".png") }
            for name in suite { try Files.drop(try Files.read(Self.pngSuite.path + "/" + name), into: inbox, as: "f-" + name) }
            var generator = SeededGenerator(seed: 14)
            for k in 0..<200 {
                let noise = (0..<784).map { _ in UInt8(generator.next() & 0xFF) }
                try Files.drop(
                    try PNGCodec.encode(DecodedImage(width: 28, height: 28, layout: .gray, pixels: noise)), into: inbox,
                    as: String(format: "n-%03d.png", k))
            }
            try Foreign.drop(into: inbox, test: test)
            let foreignCount = Foreign.allCases.reduce(0) { $0 + $1.images(test: test).count }
            let pass = try MCND.succeed(["--root", root, "--once"] + Self.options, scratch: scratch.url)
            #expect(pass.stdout.contains("to review "), "the --once summary does not count reviewed files: \(pass.stdout)")

            let lines = JSONLines.decode(ReviewedPrediction.self, root + "/outbox/predictions.jsonl")
            let byFile = Dictionary(grouping: lines, by: \.file)
            #expect(byFile.count == lines.count && lines.count == test.count + suite.count + 200 + foreignCount, "one line per request")
            for line in lines {
                let review = try #require(line.review as Bool?, "\(line.file): no review key")
                let place = line.unfamiliar == true ? "review/_unfamiliar/" : review ? "review/\(line.label)/" : "archive/predicted/"
                #expect(Files.exists(root + "/" + place + line.file), "\(line.file) is not in \(place)")
                if line.audit == true {
                    #expect(review && line.confidence >= line.threshold ?? 2, "\(line.file): an audit must be a confident answer")
                }
            }
            let tests = lines.filter { truth[$0.file] != nil }
            let accepted = tests.filter { $0.review == false }
            let precision = Double(accepted.filter { truth[$0.file] == $0.label }.count) / Double(accepted.count)
            let ece = expectedCalibrationError(tests.map { ($0.confidence, truth[$0.file] == $0.label) })
            let share = { (prefix: String) in
                let s = lines.filter { $0.file.hasPrefix(prefix) }
                return Double(s.filter { $0.unfamiliar == true }.count) / Double(s.count)
            }
            let (testUnfamiliar, suiteUnfamiliar, noiseUnfamiliar) = (share("t-"), share("f-"), share("n-"))
            let reviewShare = 1 - Double(accepted.count) / Double(tests.count)
            print(
                String(
                    format: "review loop: t10k precision of auto-accepted %.4f (target %.2f), review share %.4f, ECE %.4f "
                        + "(validation: before %.4f, after %.4f, T %.4f); unfamiliar: t10k %.4f, PngSuite %.4f (%d), noise %.4f (200)",
                    precision, Self.target, reviewShare, ece, calibration.eceBefore, calibration.eceAfter, calibration.temperature,
                    testUnfamiliar, suiteUnfamiliar, suite.count, noiseUnfamiliar))
            #expect(precision >= Self.target - 0.01)
            #expect(ece <= 0.02)
            #expect(calibration.eceAfter <= calibration.eceBefore)
            let foreign = Foreign.allCases.map { ($0, share($0.rawValue)) }
            print(
                "review loop: unfamiliar, other foreign sets: "
                    + foreign.map { String(format: "%@ %.4f", "\($0.0)", $0.1) }.joined(separator: ", "))
            #expect(testUnfamiliar <= 0.02)
            #expect(noiseUnfamiliar >= 0.9)
            for (set, rate) in foreign where set != .shapes { #expect(rate >= 0.6, "\(set): \(rate)") }
            // PngSuite's images are 32×32 and mostly in colour: unfamiliar by format (content alone reached about half).
            #expect(suiteUnfamiliar >= 0.9)
            #expect(lines.filter { $0.file.hasPrefix("f-") && $0.unfamiliar == true }.allSatisfy { $0.unfamiliarReason != nil })
            // The t10k images and the foreign 28×28 gray sets have the training format: only content can flag them.
            #expect(lines.allSatisfy { $0.file.hasPrefix("f-") || $0.unfamiliarReason != "format" })

            try correctAndRescore(root: root, scratch: scratch, truth: truth, lines: lines)
        }

        /// A person moves every audit and 200 doubtful files into label folders
        /// while 12,000 more training images arrive: examples, one event each,
        /// an audit estimate; the new model re-scores the rest of the queue.
        func correctAndRescore(root: String, scratch: Scratch, truth: [String: String], lines: [ReviewedPrediction]) throws {
            let inbox = root + "/inbox"
            let audits = lines.filter { $0.audit == true && truth[$0.file] != nil }
            let doubtful = lines.filter { $0.review == true && $0.audit == false && $0.unfamiliar == false && truth[$0.file] != nil }
            let moved = audits + doubtful.prefix(200)
            try #require(audits.count >= 20, "only \(audits.count) audits")
            for line in moved {
                let label = truth[line.file]!
                try FileManager.default.createDirectory(atPath: inbox + "/" + label, withIntermediateDirectories: true)
                try FileManager.default.moveItem(
                    atPath: root + "/review/\(line.label)/\(line.file)", toPath: inbox + "/\(label)/\(line.file)")
            }
            let waitingBefore = Files.regularFiles(under: URL(fileURLWithPath: root + "/review"))
            let more = try Fashion.trainSplit().writeIDX(Array(12_000..<24_000), to: scratch.url, name: "more")
            try MCND.succeed(["import-idx", "--images", more.images, "--labels", more.labels, "--out", inbox], scratch: scratch.url)
            let pass = try MCND.succeed(["--root", root, "--once"] + Self.options, scratch: scratch.url)
            #expect(pass.stdout.contains("promoted model 2"), "\(pass.stdout)")

            let events = JSONLines.decode(ReviewEventRecord.self, root + "/outbox/events.jsonl").filter {
                ["confirmed", "corrected"].contains($0.event)
            }
            #expect(events.count == moved.count, "\(events.count) confirmed/corrected events for \(moved.count) moved files")
            for line in moved {
                let label = truth[line.file]!
                let e = events.filter { $0.file == "\(label)/\(line.file)" }
                #expect(
                    e.count == 1 && e.first?.event == (label == line.label ? "confirmed" : "corrected")
                        && e.first?.predicted == line.label && e.first?.audit == line.audit, "\(line.file): \(e)")
                #expect(Files.exists(root + "/archive/labeled/\(label)/\(line.file)"))
            }
            let status = try ReviewStatusRecord.of(root: root, scratch: scratch.url).review
            let right = audits.filter { truth[$0.file] == $0.label }.count
            #expect(status.auditSamples == audits.count)
            #expect(status.auditAccuracy == Double(right) / Double(audits.count))
            print(
                String(
                    format: "review loop: audit estimate of auto-accepted accuracy %.4f from %d audits; %d confirmed, %d corrected",
                    status.auditAccuracy ?? -1, status.auditSamples, events.filter { $0.event == "confirmed" }.count,
                    events.filter { $0.event == "corrected" }.count))

            // Re-scored: each file once, moved on; the rest still waits; predictions.jsonl unchanged.
            let rescored = JSONLines.decode(RescoredRecord.self, root + "/outbox/rescored.jsonl")
            #expect(!rescored.isEmpty, "the new model re-scored nothing")
            #expect(Set(rescored.map(\.file)).count == rescored.count, "a file was re-scored twice")
            for r in rescored {
                #expect(r.modelVersion == 2 && r.previousModelVersion == 1)
                #expect(Files.exists(root + "/" + (r.movedTo ?? "?")) && !Files.exists(root + "/" + r.movedFrom), "\(r.file)")
            }
            let waiting = Files.regularFiles(under: URL(fileURLWithPath: root + "/review"))
            #expect(waiting.count + rescored.count == waitingBefore.count)
            #expect(status.queue.values.reduce(0, +) == waiting.count)
            #expect(JSONLines.lines(root + "/outbox/predictions.jsonl").count == lines.count)
            print("review loop: model 2 re-scored \(rescored.count) of \(waitingBefore.count) waiting files; \(waiting.count) still wait")

            let again = try MCND.succeed(["--root", root, "--once"] + Self.options, scratch: scratch.url)
            #expect(JSONLines.decode(RescoredRecord.self, root + "/outbox/rescored.jsonl").count == rescored.count, "\(again)")

            // The report shows the loop: the queue as it is, the audit estimate, the calibration.
            _ = try MCND.succeed(["--root", root, "report"], scratch: scratch.url)
            let report =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/outbox/report.json")))
                as? [String: Any]
            let review = report?["review"] as? [String: Any]
            let queue = review?["queue"] as? [[String: Any]] ?? []
            #expect(
                queue.reduce(0) { $0 + ($1["files"] as? Int ?? 0) } == waiting.count, "report.json review: \(String(describing: review))")
            #expect((review?["audit"] as? [String: Any])?["sampled"] as? Int == audits.count)
            #expect(review?["temperature"] is Double)
            #expect((try? String(contentsOfFile: root + "/outbox/report.html", encoding: .utf8))?.contains("id=\"review\"") == true)
        }
    }
}
