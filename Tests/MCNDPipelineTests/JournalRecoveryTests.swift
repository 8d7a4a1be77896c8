import Foundation
import MCNDPipeline
import Testing

/// The journal's crash recovery, in-process: a decided outcome left in the
/// state (as a crash between the commit and the moves leaves it) is finished
/// exactly once when the pipeline opens the root again.
@Suite("Journal recovery") struct JournalRecoveryTests {
    /// Records, as the pipeline would, a prediction line for inbox/`name` at the
    /// current end of predictions.jsonl and a move to archive/predicted/, then
    /// lets the pipeline go without finishing it.
    @discardableResult
    static func decide(_ root: TemporaryRoot, _ name: String, line: String, sha256: String? = nil) throws -> Int {
        try decide(root, [(name, line, sha256)])
    }

    /// The same for several inputs in one batch (one pipeline: opening another would recover the first).
    @discardableResult
    static func decide(_ root: TemporaryRoot, _ inputs: [(name: String, line: String, sha256: String?)]) throws -> Int {
        let pipeline = try root.pipeline()
        let start = root.read("outbox/predictions.jsonl")?.count ?? 0
        var offset = start
        var entries: [JournalRecord] = []
        for (name, line, sha256) in inputs {
            let status = try #require(try pipeline.root.status(RawPath("inbox/" + name)))
            entries.append(
                JournalRecord(
                    source: RawPath("inbox/\(name)"), sha256: sha256, outcome: .predicted,
                    outbox: .predictions, offset: offset, line: OutboxLine(line),
                    destination: RawPath("archive/predicted/\(name)"), identity: FileIdentity(status)))
            offset += line.utf8.count
        }
        _ = try pipeline.store.commit(examples: [], journal: entries, validationFraction: 0)
        return start
    }

    @Test("a torn line at the entry's offset is cut and written whole; the input is moved once")
    func tornLineIsRewritten() throws {
        let root = try TemporaryRoot("torn")
        _ = try root.pipeline()
        try root.write(TemporaryRoot.png(1), to: "inbox/a.png")
        let line = #"{"file":"a.png","label":"x"}"# + "\n"
        let offset = try Self.decide(root, "a.png", line: line)
        // The crash came in the middle of the write: part of the line is there.
        try root.append(String(line.prefix(9)), to: "outbox/predictions.jsonl")

        let reopened = try root.pipeline()
        #expect(root.lines("predictions.jsonl") == [String(line.dropLast())])
        #expect(root.read("outbox/predictions.jsonl")?.count == offset + line.utf8.count)
        #expect(!root.exists("inbox/a.png") && root.exists("archive/predicted/a.png"))
        #expect(try reopened.store.pendingJournal().isEmpty)
    }

    @Test("a line already at its offset is not written again")
    func completeLineIsKept() throws {
        let root = try TemporaryRoot("complete")
        _ = try root.pipeline()
        try root.write(TemporaryRoot.png(2), to: "inbox/b.png")
        let line = #"{"file":"b.png","label":"y"}"# + "\n"
        try Self.decide(root, "b.png", line: line)
        try root.append(line, to: "outbox/predictions.jsonl")

        let reopened = try root.pipeline()
        #expect(root.lines("predictions.jsonl").count == 1)
        #expect(root.exists("archive/predicted/b.png"))
        #expect(try reopened.store.pendingJournal().isEmpty)
    }

    @Test("an input moved away is not followed; an input replaced by another file is left for the next scan")
    func movedOrReplacedInputs() throws {
        let root = try TemporaryRoot("moved")
        _ = try root.pipeline()
        try root.write(TemporaryRoot.png(3), to: "inbox/c.png")
        try root.write(TemporaryRoot.png(4), to: "inbox/d.png")
        // As the pipeline records them: with the content's hash, which decides when the file looks the same.
        try Self.decide(
            root,
            [
                ("c.png", #"{"file":"c.png"}"# + "\n", TemporaryRoot.sha256(TemporaryRoot.png(3))),
                ("d.png", #"{"file":"d.png"}"# + "\n", TemporaryRoot.sha256(TemporaryRoot.png(4))),
            ])
        try FileManager.default.moveItem(atPath: root.path + "/inbox/c.png", toPath: root.path + "/elsewhere.png")
        // d.png replaced by a file with other content (the file system may give it the same inode, and its
        // size is the same): a new input.
        try FileManager.default.removeItem(atPath: root.path + "/inbox/d.png")
        try root.write(TemporaryRoot.png(5), to: "inbox/d.png")

        let reopened = try root.pipeline()
        #expect(root.exists("elsewhere.png") && !root.exists("archive/predicted/c.png"))
        #expect(root.read("inbox/d.png") == TemporaryRoot.png(5), "the new d.png stays for the next scan")
        #expect(!root.exists("archive/predicted/d.png"))
        #expect(root.lines("predictions.jsonl").count == 2, "each decided line once")
        #expect(try reopened.store.pendingJournal().isEmpty)
    }

    @Test("an input whose time was set after it was decided (same inode, same bytes) is the same input: moved, nothing more written")
    func touchedInputIsTheSameInput() throws {
        let root = try TemporaryRoot("touched")
        _ = try root.pipeline()
        let image = TemporaryRoot.png(6)
        try root.write(image, to: "inbox/e.png")
        try Self.decide(root, "e.png", line: #"{"file":"e.png"}"# + "\n", sha256: TemporaryRoot.sha256(image))
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: 1_000_000)],
            ofItemAtPath: root.path + "/inbox/e.png")

        let reopened = try root.pipeline()
        #expect(root.exists("archive/predicted/e.png") && !root.exists("inbox/e.png"))
        #expect(root.lines("predictions.jsonl").count == 1)
        #expect(try reopened.store.pendingJournal().isEmpty)
    }
}
