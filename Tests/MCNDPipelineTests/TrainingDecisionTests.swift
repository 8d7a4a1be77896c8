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
            // The hold-out and incremental runs (a small set is otherwise cross-validated and always fully retrained).
            $0.recipe.crossValidationBelow = 0
            $0.recipe.refitBelow = 0
            $0.schedule.fullGrowth = 10
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

    @Test("below train.cross_validation_below every run is full and trains on every example")
    func smallSetsAreCrossValidated() throws {
        let root = try TemporaryRoot("cv")
        let pipeline = try root.pipeline {
            $0.training.units = 8
            $0.recipe.minSteps = 20
            $0.recipe.crossValidationBelow = 5000
        }
        for i in 0..<12 {
            try root.write(TemporaryRoot.png(100 + UInt64(i)), to: "inbox/a/\(i).png")
            try root.write(TemporaryRoot.png(200 + UInt64(i)), to: "inbox/b/\(i).png")
        }
        let first = try pipeline.once()
        #expect(first.training.outcome == .promoted && first.training.mode == .full)
        try root.write(TemporaryRoot.png(300), to: "inbox/a/new.png")
        let second = try pipeline.once()
        #expect(second.training.mode == .full, "a small set is retrained in full")
        let started = root.lines("events.jsonl").filter { $0.contains(#""event":"run_started""#) }
        #expect(started.count == 2)
        #expect(
            started.last?.contains(#""train_samples":25"#) == true && started.last?.contains(#""validation":"cross_validated""#) == true)
    }

    @Test("between that size and train.refit_below, the hold-out judges the run, then every example trains the served model")
    func holdOutThenEveryExample() throws {
        let root = try TemporaryRoot("refit")
        let pipeline = try root.pipeline {
            $0.training.units = 8
            $0.recipe.minSteps = 20
            $0.recipe.crossValidationBelow = 0
            $0.recipe.refitBelow = MCNDConfiguration().recipe.refitBelow
            $0.review.targetPrecision = 0
        }
        for i in 0..<20 {
            try root.write(TemporaryRoot.png(500 + UInt64(i)), to: "inbox/a/\(i).png")
            try root.write(TemporaryRoot.png(600 + UInt64(i)), to: "inbox/b/\(i).png")
        }
        let first = try pipeline.once()
        #expect(first.training.outcome == .promoted && first.training.mode == .full)
        let started = try #require(root.lines("events.jsonl").first { $0.contains(#""event":"run_started""#) })
        let fields = try #require(JSONSerialization.jsonObject(with: Data(started.utf8)) as? [String: Any])
        #expect(fields["validation"] as? String == "hold_out_then_all")
        #expect(fields["train_samples"] as? Int == 40, "the served model trains on every example")
        let held = try #require(fields["val_samples"] as? Int)
        #expect(held > 0 && held < 40, "the hold-out that judged the run: \(held) examples")
        let losses = root.lines("losses.jsonl")
        #expect(!losses.isEmpty && losses.allSatisfy { $0.contains(#""train_samples":40"#) })
    }

    @Test("at or above that size, a run is full once the examples grew by train.full_growth since the last full run")
    func fullAfterGrowth() throws {
        let root = try TemporaryRoot("growth")
        let pipeline = try root.pipeline {
            $0.training.units = 8
            $0.recipe.crossValidationBelow = 0
            $0.recipe.refitBelow = 0
            $0.schedule.fullGrowth = 0.25
            $0.review.targetPrecision = 0
        }
        var next: UInt64 = 400
        func add(_ count: Int) throws {
            for _ in 0..<count {
                try root.write(TemporaryRoot.png(next), to: "inbox/\(next % 2 == 0 ? "a" : "b")/\(next).png")
                next += 1
            }
        }
        try add(20)
        #expect(try pipeline.once().training.mode == .full)
        try add(2)
        #expect(try pipeline.once().training.mode == .incremental, "22 examples: 10 % more than the full run's 20")
        try add(3)
        #expect(try pipeline.once().training.mode == .full, "25 examples: 25 % more than 20")
        try add(1)
        #expect(try pipeline.once().training.mode == .incremental)
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
