import GRDB

/// The examples no run has taken yet: what `mcnd status` and the metrics call waiting.
public struct TrainingBacklog: Sendable, Codable, Equatable {
    /// Examples ingested after the newest run (running or completed) took its rows; all of them before the first model.
    public var examples: Int
    /// When the oldest of them was ingested (RFC 3339, UTC); nil when none waits.
    public var oldest: String?

    /// Seconds since the oldest was ingested; nil when none waits.
    public func oldestAge(now: Double = Timestamp.seconds()) -> Double? {
        oldest.flatMap(MetricsWriter.epochSeconds).map { max(0, now - $0) }
    }
}

extension StateStore {
    public func trainingBacklog(hasModel: Bool) throws(PipelineError) -> TrainingBacklog {
        try read { db in
            // A running run (not finished) has taken its rows; an interrupted one has not.
            let running = try Int64.fetchOne(
                db, sql: "SELECT last_example_id FROM runs WHERE finished IS NULL ORDER BY id DESC LIMIT 1")
            let completed =
                hasModel
                ? try Int64.fetchOne(
                    db,
                    sql: "SELECT last_example_id FROM runs WHERE finished IS NOT NULL AND outcome != ? ORDER BY id DESC LIMIT 1",
                    arguments: [RunOutcome.interrupted]) : nil
            let after = max(running ?? 0, completed ?? 0)
            // Counted in the label index, which holds every row's id: the table's
            // pages carry the pixels, 60,000 examples some 15,000 pages read per pass.
            let count =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM examples INDEXED BY examples_label WHERE id > ?", arguments: [after]) ?? 0
            let oldest = try String.fetchOne(db, sql: "SELECT added FROM examples WHERE id > ? ORDER BY id LIMIT 1", arguments: [after])
            return TrainingBacklog(examples: count, oldest: oldest)
        }
    }

    /// Labels that have at least one example (a run needs `train.min_labels` of them).
    public func labelsWithExamples() throws(PipelineError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM labels l WHERE EXISTS (SELECT 1 FROM examples e WHERE e.label_idx = l.idx)")
                ?? 0
        }
    }
}
