import Foundation
import MCNDTestSupport
import Testing

extension EndToEnd.Report {
    /// A reader in another process reads mcnd.prom in a loop while 20 `mcnd
    /// --once` passes rewrite it: every read is a complete file.
    @Test("mcnd.prom is never seen half-written", .enabled(if: python, "python3 is needed for the reading process"))
    func textfileIsAtomic() throws {
        let fixture = try ReportRoot.shared.get()
        let stop = fixture.scratch.appending("stop-reading").path
        let reader = """
            import json, os, sys
            path, stop = sys.argv[1], sys.argv[2]
            reads = bad = 0
            while not os.path.exists(stop):
                try:
                    text = open(path).read()
                except FileNotFoundError:
                    bad += 1; continue
                reads += 1
                if not (text.startswith("# HELP mcnd_") and text.endswith(" 1\\n") and "mcnd_build_info{" in text):
                    bad += 1
            print(json.dumps({"reads": reads, "bad": bad}))
            """
        let script = fixture.scratch.appending("prom_reader.py").path
        try Data(reader.utf8).write(to: URL(fileURLWithPath: script))
        let output = fixture.scratch.appending("prom_reader.out").path
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, fixture.outbox + "/mcnd.prom", stop]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        try process.run()
        for _ in 0..<20 {
            try MCND.succeed(["--root", fixture.root, "--once", "--set", "settle_seconds=0"], scratch: fixture.scratch.url)
        }
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        process.waitUntilExit()
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Int])
        print("mcnd.prom reader: \(result)")
        #expect((result["reads"] ?? 0) > 100, "the reader read too rarely to tell: \(result)")
        #expect(result["bad"] == 0, "the reader saw a missing or partial mcnd.prom: \(result)")
    }

    @Test("mcnd report rebuilds report.html and report.json from the state and prints the path")
    func reportCommand() throws {
        let fixture = try ReportRoot.shared.get()
        let page = fixture.outbox + "/report.html"
        try FileManager.default.removeItem(atPath: page)
        try FileManager.default.removeItem(atPath: fixture.outbox + "/report.json")
        let run = try MCND.succeed(["report", "--root", fixture.root], scratch: fixture.scratch.url)
        #expect(run.stdout == page + "\n")
        #expect(Files.exists(page))
        let report = try fixture.reportJSON()
        #expect(report["schema"] as? Int == 1)
        let model = try #require(report["model"] as? [String: Any])
        #expect(model["version"] as? Int == 1)
        #expect((model["labels"] as? [String])?.count == 10)
        let latest = try #require(report["latest_run"] as? [String: Any])
        #expect((latest["epochs"] as? [Any])?.count == 8)
        let history = try #require(report["history"] as? [[String: Any]])
        #expect(history.count == 1 && history.first?["serving"] as? Bool == true)
        // losses.svg: the same chart, ticks at 1-2-5 steps (no label like 0.937).
        let svg = try String(contentsOfFile: fixture.outbox + "/losses.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("val_accuracy"))
        // The left axis's labels: equally spaced by 1, 2 or 5 times a power of ten.
        let ticks = svg.components(separatedBy: "text-anchor=\"end\">").dropFirst().compactMap { Double($0.prefix { $0 != "<" }) }
        try #require(ticks.count >= 3, "losses.svg has \(ticks.count) axis labels")
        let step = ticks[1] - ticks[0]
        let mantissa = step / pow(10, (log10(step)).rounded(.down))
        #expect([1.0, 2, 5].contains { abs(mantissa - $0) < 1e-6 }, "tick step \(step) is not 1, 2 or 5 times a power of ten")
        for (a, b) in zip(ticks, ticks.dropFirst()) { #expect(abs(b - a - step) < 1e-9, "ticks \(ticks) are not evenly spaced") }
        let missing = try MCND.run(["report", "--root", fixture.scratch.appending("nothing").path], scratch: fixture.scratch.url)
        #expect(missing.status == 1 && missing.stderr.contains("has no state yet"), "\(missing)")
    }
}
