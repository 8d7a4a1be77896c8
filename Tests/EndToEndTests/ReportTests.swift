import Foundation
import MCNDImaging
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// outbox/report.html, report.json and mcnd.prom on a trained root, checked
    /// by independent means: numpy on the exported model, a real browser, promtool.
    @Suite("The report and the metrics textfile") struct Report {
        static let python = ReportRoot.has("python3")
        static let chromium = ReportRoot.has("chromium")
        static let promtool = ReportRoot.has("promtool")

        @Test(
            "report.json's confusion matrix, per-class scores and ECE equal numpy's on the exported model",
            .enabled(if: python, "python3 with numpy is needed for the reference computation (scripts/setup installs it)"))
        func numbersMatchNumpy() throws {
            let fixture = try ReportRoot.shared.get()
            let script = ReportRoot.packageRoot.appendingPathComponent("scripts/peers/report_reference.py").path
            let run = try ReportRoot.run("python3", [script, fixture.root], in: fixture.scratch)
            try #require(run.status == 0, "report_reference.py failed: \(run.stderr)")
            let reference = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let report = try fixture.reportJSON()
            let evaluation = try #require(report["evaluation"] as? [String: Any], "report.json has no evaluation")
            let metrics = try #require(evaluation["metrics"] as? [String: Any])
            let rows = try #require(reference["rows"] as? Int)
            #expect(rows > 150, "too few validation rows (\(rows)) for a meaningful comparison")
            #expect(metrics["rows"] as? Int == rows)
            #expect(metrics["labels"] as? [String] == reference["labels"] as? [String])
            // No near-tie between the top two classes, so float32 and float64 must agree on every argmax.
            let margin = try #require(reference["margin_min"] as? Double)
            #expect(margin > 1e-4, "a validation row's top two probabilities are within \(margin); the argmax comparison is not meaningful")
            #expect(metrics["confusion"] as? [[Int]] == reference["confusion"] as? [[Int]], "confusion matrices differ")
            let perClass = try #require(metrics["per_class"] as? [[String: Any]])
            for key in ["precision", "recall", "f1"] {
                let expected = try #require(reference[key] as? [Double])
                let actual = perClass.map { $0[key] as? Double ?? .nan }
                #expect(actual.count == expected.count)
                for (a, e) in zip(actual, expected) { #expect(abs(a - e) < 1e-12, "\(key): report \(a), numpy \(e)") }
            }
            #expect(perClass.map { $0["support"] as? Int ?? -1 } == reference["support"] as? [Int])
            for average in ["macro", "weighted"] {
                let actual = try #require(metrics[average] as? [String: Any]),
                    expected = try #require(reference[average] as? [String: Double])
                for (key, e) in expected { #expect(abs((actual[key] as? Double ?? .nan) - e) < 1e-12, "\(average) \(key)") }
            }
            #expect(abs((metrics["accuracy"] as? Double ?? .nan) - (reference["accuracy"] as? Double ?? 0)) < 1e-12)
            let reliability = try #require(evaluation["reliability"] as? [String: Any])
            let ece = try #require(reliability["ece"] as? Double), expectedECE = try #require(reference["ece"] as? Double)
            // Probabilities are float32 in mcnd, float64 in numpy.
            #expect(abs(ece - expectedECE) < 1e-5, "ECE: report \(ece), numpy \(expectedECE)")
            #expect(ece > 0)
            let bins = try #require(reliability["bins"] as? [[String: Any]])
            #expect(bins.map { $0["count"] as? Int ?? -1 } == reference["bin_counts"] as? [Int])
            // The mistakes are wrong, from the validation rows, at most 5 per true label, most confident first.
            let mistakes = try #require(report["mistakes"] as? [[String: Any]])
            #expect(!mistakes.isEmpty)
            let byLabel = Dictionary(grouping: mistakes) { $0["label"] as? String ?? "" }
            for (label, group) in byLabel {
                #expect(group.count <= 5, "\(group.count) mistakes shown for \(label)")
                let confidences = group.map { $0["confidence"] as? Double ?? 0 }
                #expect(confidences == confidences.sorted(by: >), "mistakes of \(label) are not most confident first")
                for m in group { #expect(m["predicted"] as? String != label) }
            }
            let rejections = try #require(report["rejections"] as? [[String: Any]])
            let byReason = Dictionary(uniqueKeysWithValues: rejections.map { ($0["reason"] as? String ?? "", $0["count"] as? Int ?? 0) })
            #expect(byReason == ["not_png": 1, "empty": 1])
        }

        @Test(
            "Chromium renders report.html with no network: every section, a picture that is not blank",
            .enabled(if: chromium, "Debian's chromium is needed (scripts/setup installs it)"))
        func rendersInABrowser() throws {
            let fixture = try ReportRoot.shared.get()
            let page = fixture.outbox + "/report.html"
            let html = try String(contentsOfFile: page, encoding: .utf8)
            // Self-contained: nothing the browser would fetch.
            for needle in ["http://", "https://", "<script", "<link", "@import", "url("] {
                #expect(!html.contains(needle), "report.html contains \(needle)")
            }
            let screenshot = ReportRoot.packageRoot.appendingPathComponent(".build/report-screenshot.png").path
            let dom = try Browser.run(["--dump-dom", "file://" + page], in: fixture.scratch)
            try #require(dom.status == 0, "chromium --dump-dom failed: \(dom.stderr)")
            for section in ["model", "curves", "confusion", "per-class", "reliability", "mistakes", "history", "rejections"] {
                #expect(dom.stdout.contains("<section id=\"\(section)\">"), "the rendered DOM has no section \(section)")
            }
            #expect(dom.stdout.contains("<img src=\"data:image/png;base64,"), "no thumbnail in the DOM")
            #expect(dom.stdout.components(separatedBy: "<svg").count - 1 >= 3, "fewer than 3 charts in the DOM")
            try? FileManager.default.removeItem(atPath: screenshot)
            let shot = try Browser.run(["--window-size=1000,3000", "--screenshot=" + screenshot, "file://" + page], in: fixture.scratch)
            try #require(shot.status == 0, "chromium --screenshot failed: \(shot.stderr)")
            let image = try PNGCodec.decode(Array(try Data(contentsOf: URL(fileURLWithPath: screenshot))))
            var ink = 0, colors = Set<UInt32>()
            let c = image.layout.channels
            for i in stride(from: 0, to: image.width * image.height, by: 7) {
                let p = image.pixels[(i * c)..<(i * c + min(c, 3))]
                if p.contains(where: { $0 < 200 }) { ink += 1 }
                colors.insert(p.reduce(0) { $0 << 8 | UInt32($1) })
            }
            let share = Double(ink) / Double(image.width * image.height / 7)
            #expect(share > 0.03, "the screenshot is almost blank: \(share) of sampled pixels are not light")
            #expect(colors.count > 100, "the screenshot has only \(colors.count) colours")
            print(
                "report screenshot kept at \(screenshot) (\(image.width)×\(image.height), \(Int(share * 100)) % ink, \(colors.count) colours)"
            )
        }

        @Test(
            "promtool check metrics accepts outbox/mcnd.prom",
            .enabled(if: promtool, "promtool (Debian's prometheus) is needed (scripts/setup installs it)"))
        func promtoolAccepts() throws {
            let fixture = try ReportRoot.shared.get()
            let check = try ReportRoot.run(
                "sh", ["-c", "promtool check metrics < \"$0\"", fixture.outbox + "/mcnd.prom"], in: fixture.scratch)
            #expect(check.status == 0, "promtool: \(check.stdout) \(check.stderr)")
            let text = try String(contentsOfFile: fixture.outbox + "/mcnd.prom", encoding: .utf8)
            for line in [
                "mcnd_predictions_total 20", "mcnd_examples_total 1000", "mcnd_rejected_files_total{reason=\"empty\"} 1",
                "mcnd_rejected_files_total{reason=\"not_png\"} 1", "mcnd_model_version 1", "mcnd_runs_total{outcome=\"promoted\"} 1",
            ] {
                #expect(text.contains("\n" + line + "\n"), "mcnd.prom lacks \(line)")
            }
            for name in [
                "mcnd_examples{label=\"Bag\",split=\"train\"}", "mcnd_model_validation_accuracy_ratio",
                "mcnd_last_run_success_timestamp_seconds",
                "mcnd_last_run_duration_seconds", "mcnd_build_info{version=", "mcnd_inbox_pending_files 0",
            ] {
                #expect(text.contains("\n" + name), "mcnd.prom lacks \(name)")
            }
        }
    }
}
