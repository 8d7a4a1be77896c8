import Foundation
import MCNDImaging
import MCNDModel
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// `input.*: auto` through the built binary: images whose colour alone tells
    /// the labels apart (three colours of one luma, on transparent 40×30 RGBA
    /// canvases) get an rgb input at their own size, and the model answers them;
    /// the same images at the fixed 28×28 gray of before cannot be told apart.
    @Suite("The input shape from the examples") struct InputShapeTests {
        /// Three colours of (nearly) equal Rec.601 luma, ≈ 121: gray keeps no trace of which.
        static let colours: [String: (Double, Double, Double)] = [
            "coral": (220, 80, 80), "leaf": (60, 165, 60), "iris": (100, 105, 255),
        ]

        /// A transparent canvas with one rectangle of the label's colour, its
        /// brightness, size and place drawn at random, and pixel noise.
        static func image(_ label: String, _ generator: inout SeededGenerator) throws -> [UInt8] {
            let (width, height) = (40, 30)
            let (r, g, b) = colours[label]!
            let gain = Double.random(in: 0.8...1.2, using: &generator)
            let w = Int.random(in: 10...24, using: &generator), h = Int.random(in: 8...18, using: &generator)
            let x0 = Int.random(in: 0...(width - w), using: &generator), y0 = Int.random(in: 0...(height - h), using: &generator)
            var pixels = [UInt8](repeating: 0, count: width * height * 4)
            for y in y0..<y0 + h {
                for x in x0..<x0 + w {
                    let i = (y * width + x) * 4
                    for (c, v) in [r, g, b].enumerated() {
                        pixels[i + c] = UInt8(clamping: Int(v * gain) + Int.random(in: -10...10, using: &generator))
                    }
                    pixels[i + 3] = 255
                }
            }
            return try PNGCodec.encode(DecodedImage(width: width, height: height, layout: .rgba, pixels: pixels))
        }

        /// Trains on 60 images per label, asks 20 per label; the accuracy and `status --json`'s `input`.
        static func run(_ scratch: Scratch, _ name: String, settings: [String]) throws -> (accuracy: Double, input: [String: Any]) {
            let root = scratch.appending(name)
            try MCND.succeed(["init", root.path], scratch: scratch.url)
            var generator = SeededGenerator(seed: 11)
            let labels = colours.keys.sorted()
            for i in 0..<60 {
                for label in labels {
                    try Files.drop(try image(label, &generator), into: root.appendingPathComponent("inbox"), as: "\(label)/\(i).png")
                }
            }
            let options = ["--set", "settle_seconds=0"] + settings.flatMap { ["--set", $0] }
            try MCND.succeed(["--once", "--root", root.path] + options, scratch: scratch.url)
            for i in 0..<20 {
                for label in labels {
                    try Files.drop(try image(label, &generator), into: root.appendingPathComponent("inbox"), as: "\(label)-\(i).png")
                }
            }
            try MCND.succeed(["--once", "--root", root.path] + options, scratch: scratch.url)
            let predictions = try JSONLines.objects(root.appendingPathComponent("outbox/predictions.jsonl").path)
            #expect(predictions.count == 20 * labels.count)
            let right = predictions.filter { p in
                guard let file = p["file"] as? String, let label = p["label"] as? String else { return false }
                return file.hasPrefix(label + "-")
            }.count
            let status = try MCND.succeed(["status", "--root", root.path, "--json"] + options, scratch: scratch.url)
            let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            // The report names the model's input.
            try MCND.succeed(["report", "--root", root.path] + options, scratch: scratch.url)
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("outbox/report.json")))
            let model = (report as? [String: Any])?["model"] as? [String: Any]
            let channels = object?["input"].flatMap { ($0 as? [String: Any])?["channels"] as? String } ?? "?"
            #expect((model?["input"] as? String)?.hasSuffix(channels) == true, "report.json model.input \(model?["input"] ?? "none")")
            return (Double(right) / Double(max(1, predictions.count)), object?["input"] as? [String: Any] ?? [:])
        }

        @Test("colour that carries the label: auto chooses 36×27 rgb (within input.max_features) and the model tells them apart")
        func colourCarriesTheLabel() throws {
            let scratch = try Scratch("input-shape")
            let auto = try Self.run(scratch, "auto", settings: [])
            print("input shape: auto \(auto.input), accuracy \(auto.accuracy)")
            #expect(auto.input["origin"] as? String == "examples", "\(auto.input)")
            #expect(auto.input["channels"] as? String == "rgb", "\(auto.input)")
            #expect(auto.input["width"] as? Int == 36 && auto.input["height"] as? Int == 27, "\(auto.input)")
            let chosen = auto.input["chosen"] as? [String: Any] ?? [:]
            // A small rectangle drawn dark shows little colour over the whole canvas; most show plenty.
            #expect(chosen["examples"] as? Int == 180 && (chosen["colourful"] as? Int ?? 0) >= 150, "\(chosen)")
            #expect(chosen["sources"] as? String == "40×30 RGBA", "\(chosen)")
            #expect(auto.accuracy >= 0.9, "accuracy \(auto.accuracy) with the input the examples chose")

            // The shape every image got before `auto`: the three colours are one gray.
            let gray = try Self.run(scratch, "gray", settings: ["input.width=28", "input.height=28", "input.channels=gray"])
            print("input shape: fixed 28×28 gray, accuracy \(gray.accuracy)")
            #expect(gray.input["origin"] as? String == "configured", "\(gray.input)")
            #expect(gray.accuracy < 0.6, "accuracy \(gray.accuracy): gray was expected to lose the label")
        }
    }
}
