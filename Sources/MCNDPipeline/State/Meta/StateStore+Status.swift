import Foundation
import GRDB

/// What `mcnd status` shows.
public struct StateStatus: Sendable, Codable {
    public struct Model: Sendable, Codable {
        public var version: Int
        public var created: String
        public var labels: [String]
        public var metrics: [String: Double]
    }
    public struct Run: Sendable, Codable {
        public var id: Int64
        public var mode: String
        public var started: String
        public var finished: String?
        public var outcome: String?
        public var reason: String?
    }
    public var model: Model?
    public var examplesPerLabel: [String: Int]
    public var examples: Int
    public var lastRun: Run?
    /// The pinned model (`mcnd models pin`): new runs do not replace it.
    public var pinned: ModelPin?
}

extension StateStore {
    public func status() throws(PipelineError) -> StateStatus {
        try read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT l.name, COUNT(e.id) AS n FROM labels l LEFT JOIN examples e ON e.label_idx = l.idx GROUP BY l.idx")
            {
                counts[row["name"]] = row["n"]
            }
            var model: StateStatus.Model?
            if let row = try ServingRow.row(db, columns: "version, created, labels, metrics") {
                let decoder = JSONDecoder()
                model = StateStatus.Model(
                    version: row["version"], created: row["created"],
                    labels: (try? decoder.decode([String].self, from: Data((row["labels"] as String).utf8))) ?? [],
                    metrics: (try? decoder.decode([String: Double].self, from: Data((row["metrics"] as String).utf8))) ?? [:])
            }
            let run = try Row.fetchOne(db, sql: "SELECT * FROM runs ORDER BY id DESC LIMIT 1").map {
                StateStatus.Run(
                    id: $0["id"], mode: $0["mode"], started: $0["started"], finished: $0["finished"],
                    outcome: $0["outcome"], reason: $0["reason"])
            }
            let pinned = try Row.fetchOne(db, sql: "SELECT version, pinned FROM model_pin WHERE id = 1").map {
                ModelPin(version: $0["version"], since: $0["pinned"])
            }
            return StateStatus(model: model, examplesPerLabel: counts, examples: counts.values.reduce(0, +), lastRun: run, pinned: pinned)
        }
    }
}
