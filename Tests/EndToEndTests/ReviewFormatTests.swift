import Foundation
import MCNDImaging
import MCNDModel
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// Unfamiliar by format as well as by content, through the built binary on
    /// small, quickly trained Fashion-MNIST models: a request whose source
    /// format (size, colour kind) the training set did not have is flagged
    /// `"unfamiliar_reason": "format"`; one at the training format is left to
    /// the content checks; a model trained on several formats accepts them all.
    @Suite struct ReviewFormatTests {
        static let quick = [
            "--set", "settle_seconds=0", "--set", "train.min_steps=0", "--set", "train.cross_validation_below=0", "--set",
            "train.refit_below=0",
            "--set", "train.epochs=2",
        ]
        static let pngSuite = EndToEnd.ReviewLoopTests.pngSuite

        /// `pixels` (28×28 gray) in the top-left corner of a `width`×`height` image of `layout`, opaque.
        static func png(_ pixels: [UInt8], width: Int = 28, height: Int = 28, layout: PixelLayout = .gray) throws -> [UInt8] {
            var out: [UInt8] = []
            for y in 0..<height {
                for x in 0..<width {
                    let v = x < 28 && y < 28 ? pixels[y * 28 + x] : 0
                    switch layout {
                    case .gray: out += [v]
                    case .grayAlpha: out += [v, 255]
                    case .rgb: out += [v, v, v]
                    case .rgba: out += [v, v, v, 255]
                    }
                }
            }
            return try PNGCodec.encode(DecodedImage(width: width, height: height, layout: layout, pixels: out))
        }

        static func lines(_ root: String, prefix: String) -> [ReviewedPrediction] {
            JSONLines.decode(ReviewedPrediction.self, root + "/outbox/predictions.jsonl").filter { $0.file.hasPrefix(prefix) }
        }

        static func share(_ lines: [ReviewedPrediction], _ test: (ReviewedPrediction) -> Bool) -> Double {
            Double(lines.filter(test).count) / Double(max(lines.count, 1))
        }

        @Test func aRequestUnlikeTheTrainingFormatIsUnfamiliarByFormat() throws {
            let scratch = try Scratch("review-format")
            let root = scratch.appending("root").path
            let inbox = scratch.appending("root/inbox")
            let train = try Fashion.trainSplit(), test = try Fashion.testSplit()
            try MCND.succeed(["init", root], scratch: scratch.url)
            let idx = try train.writeIDX(Array(0..<2000), to: scratch.url, name: "train")
            try MCND.succeed(["import-idx", "--images", idx.images, "--labels", idx.labels, "--out", inbox.path], scratch: scratch.url)
            let options = Self.quick + ["--set", "review.audit_fraction=0.5"]
            try MCND.succeed(["--root", root, "--once"] + options, scratch: scratch.url)

            var truth: [String: String] = [:]
            for i in 0..<100 {
                let name = String(format: "t-%03d.png", i)
                try Files.drop(try test.png(i), into: inbox, as: name)
                truth[name] = Fashion.name(test.label(i))
            }
            for i in 0..<10 {
                try Files.drop(try Self.png(test.pixels(100 + i), width: 32, height: 32, layout: .rgba), into: inbox, as: "rgba-\(i).png")
                try Files.drop(try Self.png(test.pixels(110 + i), layout: .rgb), into: inbox, as: "rgb-\(i).png")
            }
            var generator = SeededGenerator(seed: 25)
            for k in 0..<40 {
                let noise = (0..<784).map { _ in UInt8(generator.next() & 0xFF) }
                try Files.drop(try Self.png(noise), into: inbox, as: "n-\(k).png")
            }
            let suite = try FileManager.default.contentsOfDirectory(atPath: Self.pngSuite.path).filter { $0.hasSuffix(".png") }
            for name in suite { try Files.drop(try Files.read(Self.pngSuite.path + "/" + name), into: inbox, as: "f-" + name) }
            try MCND.succeed(["--root", root, "--once"] + options, scratch: scratch.url)

            let trained = "the training examples were 28×28 gray, 8-bit"
            for line in Self.lines(root, prefix: "rgba-") {
                #expect(line.unfamiliar == true && line.unfamiliarReason == "format", "\(line.file): \(line)")
                #expect(line.unfamiliarDetail == "32×32 RGBA, 8-bit; " + trained, "\(line.file)")
                #expect(Files.exists(root + "/review/_unfamiliar/" + line.file))
            }
            for line in Self.lines(root, prefix: "rgb-") {
                #expect(line.unfamiliar == true && line.unfamiliarReason == "format", "\(line.file): \(line)")
                #expect(line.unfamiliarDetail == "28×28 RGB, 8-bit; " + trained, "\(line.file)")
            }
            let suiteLines = Self.lines(root, prefix: "f-"), noise = Self.lines(root, prefix: "n-"), t10k = Self.lines(root, prefix: "t-")
            #expect(suiteLines.count == suite.count && noise.count == 40 && t10k.count == 100)
            #expect(Self.share(suiteLines) { $0.unfamiliarReason == "format" } >= 0.9, "PngSuite is 32×32")
            // At the training format, foreign content is left to the content checks.
            #expect(Self.share(noise) { $0.unfamiliar == true } >= 0.9)
            for line in noise where line.unfamiliar == true { #expect(line.unfamiliarReason == "content", "\(line.file)") }
            #expect(t10k.allSatisfy { $0.unfamiliarReason != "format" && ($0.unfamiliar == true) == ($0.unfamiliarReason != nil) })
            let all = JSONLines.decode(ReviewedPrediction.self, root + "/outbox/predictions.jsonl")
            let byReason = Dictionary(grouping: all.filter { $0.unfamiliar == true }, by: { $0.unfamiliarReason ?? "?" }).mapValues(\.count)
            let status = try ReviewStatusRecord.of(root: root, scratch: scratch.url).review
            #expect(
                status.unfamiliarReasons == byReason, "status --json: \(String(describing: status.unfamiliarReasons)), lines: \(byReason)")
            let text = try MCND.succeed(["status", "--root", root], scratch: scratch.url).stdout
            #expect(text.contains("format \(byReason["format"] ?? 0)") && text.contains("content \(byReason["content"] ?? 0)"), "\(text)")
            let metrics = (try? String(contentsOfFile: root + "/outbox/mcnd.prom", encoding: .utf8)) ?? ""
            #expect(metrics.contains("mcnd_review_unfamiliar_files{reason=\"format\"} \(byReason["format"] ?? 0)"), "\(metrics)")
            _ = try MCND.succeed(["--root", root, "report"], scratch: scratch.url)
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/outbox/report.json")))
            let reasons = ((report as? [String: Any])?["review"] as? [String: Any])?["unfamiliar"] as? [String: Int]
            #expect(reasons == byReason, "report.json review.unfamiliar: \(String(describing: reasons))")

            try auditEstimateSaysHowSureItIs(root: root, scratch: scratch, truth: truth, options: options)

            // review.format_check=false: the same kind of request is left to the content checks.
            for i in 0..<5 {
                try Files.drop(try Self.png(test.pixels(200 + i), width: 32, height: 32, layout: .rgba), into: inbox, as: "off-\(i).png")
            }
            try MCND.succeed(["--root", root, "--once"] + options + ["--set", "review.format_check=false"], scratch: scratch.url)
            let off = Self.lines(root, prefix: "off-")
            #expect(off.count == 5 && off.allSatisfy { $0.unfamiliarReason != "format" }, "\(off)")
        }

        /// After one audited file is sorted, status gives the estimate with its
        /// interval and says the sample is too small to mean much.
        func auditEstimateSaysHowSureItIs(root: String, scratch: Scratch, truth: [String: String], options: [String]) throws {
            let audit = try #require(Self.lines(root, prefix: "t-").first { $0.audit == true }, "no audited t10k answer")
            let label = truth[audit.file]!
            try FileManager.default.createDirectory(atPath: root + "/inbox/" + label, withIntermediateDirectories: true)
            try FileManager.default.moveItem(
                atPath: root + "/review/\(audit.label)/\(audit.file)", toPath: root + "/inbox/\(label)/\(audit.file)")
            try MCND.succeed(["--root", root, "--once"] + options, scratch: scratch.url)
            let status = try ReviewStatusRecord.of(root: root, scratch: scratch.url).review
            #expect(status.auditSamples == 1)
            let (accuracy, low, high) = (status.auditAccuracy ?? -1, status.auditLow ?? -1, status.auditHigh ?? -1)
            #expect(0 <= low && low <= accuracy && accuracy <= high && high <= 1 && high - low > 0.5, "\(status)")
            let text = try MCND.succeed(["status", "--root", root], scratch: scratch.url).stdout
            let interval = String(format: "95 %% interval %.3f–%.3f", low, high)
            #expect(text.contains(interval) && text.contains("too few"), "\(text)")
        }

        @Test func aModelTrainedOnMixedFormatsAcceptsThemAll() throws {
            let scratch = try Scratch("review-mixed-formats")
            let root = scratch.appending("root").path
            let inbox = scratch.appending("root/inbox")
            let train = try Fashion.trainSplit(), test = try Fashion.testSplit()
            try MCND.succeed(["init", root], scratch: scratch.url)
            let formats: [(width: Int, height: Int, layout: PixelLayout)] = [(28, 28, .gray), (32, 32, .rgb), (40, 30, .rgba)]
            for i in 0..<1500 {
                let f = formats[i % 3]
                let png = try Self.png(train.pixels(i), width: f.width, height: f.height, layout: f.layout)
                try Files.drop(png, into: inbox, as: "\(Fashion.name(train.label(i)))/e-\(i).png")
            }
            try MCND.succeed(["--root", root, "--once"] + Self.quick, scratch: scratch.url)
            for i in 0..<60 {
                let f = formats[i % 3]
                let png = try Self.png(test.pixels(i), width: f.width, height: f.height, layout: f.layout)
                try Files.drop(png, into: inbox, as: "known-\(i).png")
            }
            for i in 0..<5 {
                // Wider than any example and of an aspect none had; a colour kind none had.
                try Files.drop(try Self.png(test.pixels(100 + i), width: 56, height: 28), into: inbox, as: "wide-\(i).png")
                try Files.drop(
                    try Self.png(test.pixels(110 + i), width: 32, height: 32, layout: .grayAlpha), into: inbox, as: "ga-\(i).png")
            }
            try MCND.succeed(["--root", root, "--once"] + Self.quick, scratch: scratch.url)
            let known = Self.lines(root, prefix: "known-")
            #expect(
                known.count == 60 && known.allSatisfy { $0.unfamiliarReason != "format" },
                "\(known.filter { $0.unfamiliarReason == "format" })")
            for line in Self.lines(root, prefix: "wide-") + Self.lines(root, prefix: "ga-") {
                #expect(line.unfamiliarReason == "format", "\(line.file): \(line)")
            }
            let wide = try #require(Self.lines(root, prefix: "wide-").first)
            #expect(wide.unfamiliarDetail == "56×28 gray, 8-bit; the training examples were 28–40×28–32 gray, RGB or RGBA, 8-bit")
        }
    }
}
