import Foundation
import MCNDPipeline
import Testing

/// The outbox's event builder: one complete line per event, `event` then
/// `time` then the caller's keys, synced to events.jsonl.
@Suite("Outbox events") struct OutboxTests {
    @Test("an event is one line: event, time, then the keys in the order added")
    func eventLine() throws {
        let root = try TemporaryRoot("outbox")
        try root.write([], to: "outbox/.keep")
        let outbox = try Outbox(root: try Directory.open(path: root.path), logger: TemporaryRoot.logger)
        outbox.emit(.runStarted) { line in
            line.add("run", 3)
            line.add("mode", RunMode.incremental.rawValue)
        }
        outbox.emit(.modelPromoted)
        let lines = root.lines("events.jsonl")
        #expect(lines.count == 2)
        let first = try #require(lines.first)
        #expect(first.hasPrefix(#"{"event":"run_started","time":""#))
        #expect(first.hasSuffix(#"Z","run":3,"mode":"incremental"}"#))
        let time = try #require(first.split(separator: "\"").dropFirst(7).first)
        #expect(time.count == "2026-11-29T03:04:05.678Z".count)
        #expect(lines.last?.hasPrefix(#"{"event":"model_promoted","time":""#) == true)
        for name in OutboxName.allCases { #expect(root.exists("outbox/" + name.rawValue), "\(name.rawValue) opened") }
    }

    @Test("a file name that is not UTF-8 is kept as file_bytes beside its display form")
    func fileBytes() {
        var line = JSONLine()
        line.addFile(RawPath(Array("a".utf8) + [0xFF] + Array(".png".utf8)))
        #expect(line.line == "{\"file\":\"a\u{FFFD}.png\",\"file_bytes\":\"61ff2e706e67\"}\n")
        var plain = JSONLine()
        plain.addFile(RawPath("b/c.png"))
        #expect(plain.line == #"{"file":"b/c.png"}"# + "\n")
    }

    @Test("reopen follows a rotated file: new lines go to the new file")
    func reopenAfterRotation() throws {
        let root = try TemporaryRoot("rotate")
        try root.write([], to: "outbox/.keep")
        let outbox = try Outbox(root: try Directory.open(path: root.path), logger: TemporaryRoot.logger)
        outbox.emit(.started)
        try FileManager.default.moveItem(atPath: root.path + "/outbox/events.jsonl", toPath: root.path + "/outbox/events.jsonl.1")
        try outbox.reopen()
        outbox.emit(.stopped)
        #expect(root.lines("events.jsonl").count == 1 && root.lines("events.jsonl").first?.contains("stopped") == true)
        #expect(root.lines("events.jsonl.1").count == 1)
    }
}
