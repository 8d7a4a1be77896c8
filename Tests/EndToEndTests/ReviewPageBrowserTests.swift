import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// The review page in a real browser (Debian's headless Chromium through
    /// Selenium, scripts/review-page-browser), served by `mcnd review serve`
    /// on 127.0.0.1: open it with the token, see the thumbnails, confirm one by
    /// click, correct one by key, dismiss one, undo one; the files end where a
    /// person's `mv` would put them, and the next `--once` takes them in with
    /// `confirmed`/`corrected` events and trains on them. One browser session.
    /// The screenshot is kept at .build/review-page-screenshot.png.
    @Suite("Review page in a browser") struct ReviewPageBrowserTests {
        /// Debian's: python3-selenium is installed for it (a pyenv or venv python3 on PATH may lack it).
        static let python = "/usr/bin/python3"
        static let script = ReportRoot.packageRoot.appendingPathComponent("scripts/review-page-browser").path
        static let ready =
            ReportRoot.has("chromium") && ReportRoot.has("chromedriver")
            && (try? runPython(["-c", "import selenium"], in: try Scratch("selenium")).status) == 0
        static let options = [
            "--set", "settle_seconds=0", "--set", "review.target_precision=0.999", "--set", "review.audit_fraction=0",
            "--set", "train.min_steps=0", "--set", "train.cross_validation_below=0", "--set", "train.refit_below=0", "--set",
            "train.quiet_seconds=0",
            "--set", "train.min_interval_seconds=0",
        ]

        /// Runs Debian's python3 to completion (its output in files: a full pipe would block it).
        static func runPython(_ arguments: [String], in scratch: Scratch) throws -> (status: Int32, stdout: String, stderr: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = arguments
            let (outPath, errPath) = (scratch.appending("python.out").path, scratch.appending("python.err").path)
            for path in [outPath, errPath] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
            let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            (process.standardOutput, process.standardError, process.standardInput) = (out, err, FileHandle.nullDevice)
            try process.run()
            process.waitUntilExit()
            try out.close()
            try err.close()
            return (
                process.terminationStatus, try String(contentsOfFile: outPath, encoding: .utf8),
                try String(contentsOfFile: errPath, encoding: .utf8)
            )
        }

        /// A root trained on the 300 labeled images of samples/ (`mcnd --once`), its inbox empty.
        static func trainedRoot(in scratch: Scratch) throws -> String {
            let root = scratch.appending("root").path
            try MCND.succeed(["init", root], scratch: scratch.url)
            let labeled = ReportRoot.packageRoot.appendingPathComponent("samples/labeled").path
            for label in try FileManager.default.contentsOfDirectory(atPath: labeled) {
                try FileManager.default.copyItem(atPath: labeled + "/" + label, toPath: root + "/inbox/" + label)
            }
            try MCND.succeed(["--root", root, "--once"] + options, scratch: scratch.url)
            return root
        }

        /// `mcnd review serve` on a free loopback port, and the address `mcnd review url` prints for it (with the token).
        static func serve(_ root: String, scratch: Scratch) throws -> (server: Child, url: String) {
            let chosen = try LoopbackPort.free()
            let server = try MCND.start(["review", "serve", "--root", root, "--listen", "127.0.0.1:\(chosen)"], scratch: scratch.url)
            do {
                var port: String?
                #expect(
                    try eventually(timeout: 30) {
                        port = server.stdout.split(separator: "\n").lazy.compactMap { $0.firstMatch(of: /127\.0\.0\.1:(\d+)\//) }.first
                            .map { String($0.1) }
                        return port != nil || !server.isRunning
                    })
                let listening = try #require(port, "mcnd review serve printed no address: \(server.stdout) \(server.stderr)")
                #expect(listening == String(chosen))
                let url = try MCND.succeed(["review", "url", "--root", root, "--listen", "127.0.0.1:" + listening], scratch: scratch.url)
                    .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(url.hasPrefix("http://127.0.0.1:\(listening)/?token="))
                return (server, url)
            } catch {
                server.stop(grace: 10)
                throw error
            }
        }

        @Test(
            .enabled(if: ready, "needs chromium, chromium-driver and python3-selenium (scripts/setup installs them)"),
            .timeLimit(.minutes(10)))
        func aPersonSortsTheQueueInChromium() throws {
            let scratch = try Scratch("review-page")
            let root = try Self.trainedRoot(in: scratch)
            let samples = ReportRoot.packageRoot.appendingPathComponent("samples")
            let fm = FileManager.default
            for name in try fm.contentsOfDirectory(atPath: samples.path + "/unlabeled").sorted().prefix(24) {
                try fm.copyItem(atPath: samples.path + "/unlabeled/" + name, toPath: root + "/inbox/" + name)
            }
            try MCND.succeed(["--root", root, "--once"] + Self.options, scratch: scratch.url)
            let queued = Files.regularFiles(under: URL(fileURLWithPath: root + "/review")).count
            try #require(queued >= 6, "only \(queued) files in review/")

            let (server, url) = try Self.serve(root, scratch: scratch)
            defer { server.stop(grace: 10) }

            let screenshot = ReportRoot.packageRoot.appendingPathComponent(".build/review-page-screenshot.png").path
            try? fm.removeItem(atPath: screenshot)
            let run = try Self.runPython([Self.script, "act", url, screenshot], in: scratch)
            try #require(run.status == 0, "the browser script failed: \(run.stderr)\n\(run.stdout)")
            let done = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(done["token_left_address"] as? Bool == true)
            #expect((done["thumbnails"] as? Int ?? 0) >= 4)
            func part(_ key: String) -> [String: String] { (done[key] as? [String: String]) ?? [:] }
            let (confirmed, corrected, dismissed, undone) = (part("confirmed"), part("corrected"), part("dismissed"), part("undone"))
            #expect(fm.fileExists(atPath: root + "/inbox/\(confirmed["label"] ?? "?")/\(confirmed["file"] ?? "?")"))
            #expect(fm.fileExists(atPath: root + "/inbox/\(corrected["label"] ?? "?")/\(corrected["file"] ?? "?")"))
            #expect(fm.fileExists(atPath: root + "/archive/dismissed/\(dismissed["file"] ?? "?")"))
            #expect(fm.fileExists(atPath: root + "/review/\(undone["folder"] ?? "?")/\(undone["file"] ?? "?")"))
            #expect(fm.fileExists(atPath: screenshot), "no screenshot at \(screenshot)")
            print("review page: screenshot kept at \(screenshot); browser did \(run.stdout)")
            server.stop(grace: 10)

            // The next pass: the two sorted files become examples with their events, and a run trains on them.
            let pass = try MCND.succeed(["--root", root, "--once"] + Self.options, scratch: scratch.url)
            #expect(pass.stdout.contains("examples +2"), "\(pass.stdout)")
            #expect(pass.stdout.contains("training: run"), "no run trained on the corrections: \(pass.stdout)")
            let events = try JSONLines.objects(root + "/outbox/events.jsonl")
            #expect(events.contains { $0["event"] as? String == "confirmed" && $0["label"] as? String == confirmed["label"] })
            #expect(
                events.contains {
                    $0["event"] as? String == "corrected" && $0["label"] as? String == corrected["label"]
                        && $0["predicted"] as? String == corrected["predicted"]
                })
        }
    }
}
