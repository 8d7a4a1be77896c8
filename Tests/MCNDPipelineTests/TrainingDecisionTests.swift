import Foundation
import MCNDPipeline
import Testing

/// When the training stage trains: `ifDue` only when labeled examples
/// arrived since the last completed run, or there is no model yet.
@Suite("Training decision") struct TrainingDecisionTests {
    @Test("not due without examples; due with new examples; not due after the run; due again after a new example")
    func dueAndNotDue() throws {
        let root = try TemporaryRoot("due")
        let pipeline = try root.pipeline {
            $0.schedule.validationFraction = 0
            $0.review.targetPrecision = 0
        }
        #expect(try pipeline.trainingIsDue() == false, "no examples")
        let empty = try pipeline.train(.ifDue)
        #expect(empty.outcome == .notDue && empty.run == nil)

        for i in 0..<3 {
            try root.write(TemporaryRoot.png(10 + UInt64(i)), to: "inbox/a/\(i).png")
            try root.write(TemporaryRoot.png(20 + UInt64(i)), to: "inbox/b/\(i).png")
        }
        let ingested = try pipeline.once(train: .never)
        #expect(ingested.ingest.examples == 6 && ingested.training.run == nil)
        #expect(try pipeline.trainingIsDue(), "examples and no model")

        let trained = try pipeline.once()
        #expect(trained.training.outcome == .promoted && trained.training.run == 1)
        #expect(try pipeline.trainingIsDue() == false, "nothing new since run 1")
        let again = try pipeline.once()
        #expect(again.training.outcome == .notDue && again.training.reason == "no new examples since run 1")

        try root.write(TemporaryRoot.png(30), to: "inbox/a/new.png")
        _ = try pipeline.once(train: .never)
        #expect(try pipeline.trainingIsDue(), "a new example since run 1")
        let incremental = try pipeline.once()
        #expect(incremental.training.outcome == .promoted && incremental.training.mode == .incremental)
    }

    @Test("too few labels: not trained, and the reason says what is missing")
    func tooFewLabels() throws {
        let root = try TemporaryRoot("one-label")
        let pipeline = try root.pipeline { $0.schedule.validationFraction = 0 }
        try root.write(TemporaryRoot.png(40), to: "inbox/a/only.png")
        let summary = try pipeline.once()
        #expect(summary.training.outcome == .notDue && summary.training.run == nil)
        #expect(summary.training.reason?.contains("at least 2 labels") == true)
    }
}
