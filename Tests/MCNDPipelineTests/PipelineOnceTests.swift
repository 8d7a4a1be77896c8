import Foundation
import MCNDPipeline
import Testing

/// `Pipeline.once` in-process over a temporary root: scan → ingest → train →
/// predict, checked by the files it moves and the lines it writes.
@Suite("Pipeline once") struct PipelineOnceTests {
    /// Two labels of a few PNGs each, one prediction request and one file that is no PNG.
    static func fill(_ root: TemporaryRoot) throws {
        for i in 0..<6 {
            try root.write(TemporaryRoot.png(100 + UInt64(i)), to: "inbox/cat/c\(i).png")
            try root.write(TemporaryRoot.png(200 + UInt64(i)), to: "inbox/dog/d\(i).png")
        }
        try root.write(TemporaryRoot.png(300), to: "inbox/q.png")
        try root.write(Array("not an image".utf8), to: "inbox/junk.png")
    }

    static func quiet(_ c: inout MCNDConfiguration) {
        c.schedule.validationFraction = 0
        c.review.targetPrecision = 0
    }

    @Test("one pass: examples archived, a model promoted, the request predicted, the junk rejected")
    func onePass() throws {
        let root = try TemporaryRoot("once")
        try Self.fill(root)
        let pipeline = try root.pipeline(Self.quiet)
        let summary = try pipeline.once()

        #expect(summary.ingest.examples == 12 && summary.ingest.rejected == 0)
        #expect(summary.training.outcome == .promoted && summary.training.mode == .full && summary.training.modelVersion == 1)
        #expect(summary.predict.predicted == 1 && summary.predict.rejected == 1)
        #expect(summary.pending == 0 && summary.waitingToMove.isEmpty)
        #expect(pipeline.serving.current?.version == 1 && pipeline.serving.current?.labels == ["cat", "dog"])

        for i in 0..<6 { #expect(root.exists("archive/labeled/cat/c\(i).png") && root.exists("archive/labeled/dog/d\(i).png")) }
        #expect(root.exists("archive/predicted/q.png") && root.exists("rejected/junk.png"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path + "/inbox").allSatisfy { ["cat", "dog"].contains($0) })

        let predictions = root.lines("predictions.jsonl")
        #expect(predictions.count == 1)
        let sha = TemporaryRoot.sha256(TemporaryRoot.png(300))
        #expect(predictions.first?.hasPrefix(#"{"file":"q.png","sha256":"\#(sha)","label":""#) == true)
        #expect(predictions.first?.contains(#""model_version":1,"time":""#) == true)

        let events = root.lines("events.jsonl").map { line in line.split(separator: "\"")[3] }
        #expect(events == ["run_started", "model_promoted", "run_finished", "rejected"])
        let rejected = try #require(root.lines("events.jsonl").last)
        #expect(rejected.contains(#""file":"junk.png""#) && rejected.contains(#""moved_to":"rejected/junk.png""#))
        #expect(root.lines("losses.jsonl").count == 2, "one line per epoch (2)")
        #expect(try pipeline.store.pendingJournal().isEmpty)
    }

    @Test("batches of two: each overlapping batch moves its files once and the pass leaves no journal rows")
    func smallBatches() throws {
        let root = try TemporaryRoot("batches")
        try Self.fill(root)
        let pipeline = try root.pipeline { c in
            Self.quiet(&c)
            c.ingestBatch = 2
            c.predictBatch = 2
        }
        let summary = try pipeline.once()
        #expect(summary.ingest.examples == 12 && summary.predict.predicted == 1 && summary.predict.rejected == 1)
        #expect(summary.pending == 0 && summary.waitingToMove.isEmpty)
        for i in 0..<6 { #expect(root.exists("archive/labeled/cat/c\(i).png") && root.exists("archive/labeled/dog/d\(i).png")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path + "/archive/labeled/cat").count == 6)
        #expect(root.exists("archive/predicted/q.png") && root.exists("rejected/junk.png"))
        #expect(try pipeline.store.pendingJournal().isEmpty)
    }

    @Test("a second pass over the same name archives beside the first: name-1.png")
    func sameNameTwice() throws {
        let root = try TemporaryRoot("twice")
        let pipeline = try root.pipeline(Self.quiet)
        try root.write(TemporaryRoot.png(1), to: "inbox/cat/x.png")
        _ = try pipeline.once(train: .never)
        try root.write(TemporaryRoot.png(2), to: "inbox/cat/x.png")
        let second = try pipeline.once(train: .never)
        #expect(second.ingest.examples == 1)
        #expect(root.read("archive/labeled/cat/x.png") == TemporaryRoot.png(1))
        #expect(root.read("archive/labeled/cat/x-1.png") == TemporaryRoot.png(2))
    }

    @Test("rejections are counted by the reason the stage decided (the journal record's, not its line's)")
    func rejectionCounters() throws {
        let root = try TemporaryRoot("rejection-counters")
        try root.write(Array("not an image".utf8), to: "inbox/junk.png")
        try root.write([], to: "inbox/empty.png")
        try root.write(Array(TemporaryRoot.png(7).prefix(40)), to: "inbox/cat/cut.png")
        let pipeline = try root.pipeline { c in
            Self.quiet(&c)
            c.incompleteGraceSeconds = 0
        }
        let summary = try pipeline.once(train: .never)
        #expect(summary.ingest.rejected == 1 && summary.predict.rejected == 2)
        #expect(try pipeline.store.rejectionsByReason() == ["not_png": 1, "empty": 1, "truncated": 1])
    }
}
