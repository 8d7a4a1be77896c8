import Foundation
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// "A person can clear a 300-item queue with the keyboard alone": 300
    /// review items over several labels, the page opened with the token in
    /// headless Chromium, then key presses only (scripts/review-page-browser
    /// clear) until the page says nothing is waiting. Every file ends where a
    /// person's `mv` would put it, none lost or doubled, and the next
    /// `--once` writes one `confirmed`/`corrected` line per sorted file.
    @Suite("Review page by keyboard alone") struct ReviewPageKeyboardTests {
        typealias Browser = ReviewPageBrowserTests
        static let queued = 300

        @Test(
            .enabled(if: Browser.ready, "needs chromium, chromium-driver and python3-selenium (scripts/setup installs them)"),
            .timeLimit(.minutes(10)))
        func aPersonClearsThreeHundredItemsWithKeysAlone() throws {
            let scratch = try Scratch("review-keyboard")
            let root = try Browser.trainedRoot(in: scratch)
            // Distinct images (the test split), so each sorted file is one example with one event.
            let split = try Fashion.testSplit()
            for i in 0..<(Self.queued + 80) { try Files.drop(try split.png(i), into: root + "/inbox", as: "key-\(i).png") }
            try MCND.succeed(["--root", root, "--once"] + Browser.options, scratch: scratch.url)
            let review = root + "/review/"
            let waiting = Files.regularFiles(under: review)
            try #require(waiting.count >= Self.queued, "only \(waiting.count) files in review/")
            // A person took the rest away by hand: the page lists only files still in review/.
            let aside = scratch.appending("aside").path
            try Files.makeFolder(aside)
            for (n, file) in waiting.dropFirst(Self.queued).enumerated() { try Files.move(review + file, to: aside + "/\(n).png") }
            let folders = Set(waiting.prefix(Self.queued).map { $0.split(separator: "/")[0] })
            #expect(folders.count >= 3, "the queue spans only \(folders.sorted())")

            let (server, url) = try Browser.serve(root, scratch: scratch)
            defer { server.stop(grace: 10) }
            let run = try Browser.runPython([Browser.script, "clear", url], in: scratch)
            try #require(run.status == 0, "the browser script failed: \(run.stderr)\n\(run.stdout)")
            let done = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            print("review page by keyboard: \(done.filter { $0.key != "moves" })")
            #expect(done["waiting"] as? Int == Self.queued)
            #expect(done["left"] as? Int == 0 && done["empty_shown"] as? Bool == true, "the page did not end empty")
            #expect(
                (done["undone"] as? Int ?? 0) >= 5 && (done["pages_turned"] as? Int ?? 0) >= 2 && (done["groups_chosen"] as? Int ?? 0) == 2)
            let pressed = Set(done["pressed"] as? [String] ?? [])
            for key in ["Enter", "x", "Delete", "u", "Backspace", "j", "ArrowRight", "]", "[", "Tab", "Enter on a button", "g", "G"] {
                #expect(pressed.contains(key), "never pressed \(key)")
            }
            #expect(pressed.contains { $0.hasPrefix("/") } && pressed.contains { $0.count == 1 && $0.first!.isNumber })

            // Every item once, each file where `mv` would have put it; review/ empty, nothing else anywhere.
            let moves = done["moves"] as? [[String: Any]] ?? []
            #expect(moves.count == Self.queued)
            #expect(Set(moves.compactMap { $0["id"] as? Int }).count == Self.queued, "an item was moved twice")
            var expected: [String] = []
            for move in moves {
                let file = move["file"] as? String ?? "?"
                switch move["action"] as? String {
                case "dismiss": expected.append("archive/dismissed/" + file)
                default: expected.append("inbox/\(move["label"] as? String ?? "?")/" + file)
                }
            }
            #expect(Files.regularFiles(under: review).isEmpty, "left in review/: \(Files.regularFiles(under: review).prefix(5))")
            let landed =
                Files.regularFiles(under: root + "/inbox").map { "inbox/" + $0 }
                + Files.regularFiles(under: root + "/archive/dismissed").map { "archive/dismissed/" + $0 }
            #expect(landed.sorted() == expected.sorted(), "moved files differ from a person's moves")
            server.stop(grace: 10)

            // The next pass: one line per sorted file, as after `mv`.
            try MCND.succeed(["--root", root, "--once"] + Browser.options, scratch: scratch.url)
            let events = try JSONLines.objects(root + "/outbox/events.jsonl")
            for (kind, event) in [("confirm", "confirmed"), ("correct", "corrected")] {
                let mine = moves.filter { $0["action"] as? String == kind }
                let lines = events.filter { $0["event"] as? String == event && ($0["file"] as? String ?? "").contains("key-") }
                #expect(lines.count == mine.count, "\(lines.count) \(event) lines for \(mine.count) \(kind) moves")
                let said = Set(lines.map { "\($0["label"] as? String ?? "?") \($0["file"] as? String ?? "?")" })
                let made = Set(
                    mine.map { "\($0["label"] as? String ?? "?") \($0["label"] as? String ?? "?")/\($0["file"] as? String ?? "?")" })
                #expect(said == made, "\(event) lines differ from the moves: \(said.symmetricDifference(made).prefix(4))")
            }
            #expect(moves.contains { $0["action"] as? String == "dismiss" })
        }
    }
}
