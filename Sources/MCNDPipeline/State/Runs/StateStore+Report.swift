import Foundation
import GRDB
import MCNDModel

/// One row of the runs table with its final figures, for the report's history.
public struct RunHistoryRow: Sendable, Codable, Equatable {
    public var id: Int64
    public var mode: String
    public var started: String
    public var finished: String?
    public var outcome: String?
    public var reason: String?
    public var trainSamples: Int
    public var valSamples: Int
    public var modelVersion: Int?
    public var epochs: Int
    public var seconds: Double
    /// Validation accuracy of the last recorded epoch.
    public var valAccuracy: Double?
}

/// One epoch of a run, as the epochs table holds it.
public struct EpochRow: Sendable, Codable, Equatable {
    public var epoch: Int
    public var loss: Double?
    public var valLoss: Double?
    public var valAccuracy: Double?
    public var seconds: Double
}

/// A stored model, without its weights.
public struct ModelHistoryRow: Sendable, Codable, Equatable {
    public var version: Int
    public var run: Int64?
    public var created: String
    public var promoted: String?
    public var serving: Bool
    public var labels: [String]
    public var metrics: [String: Double]
}

/// Validation examples at one shape, with the ids that name them.
public struct ValidationRows: Sendable {
    public var rows: LabeledRows
    public var ids: [Int64]
    /// The shape the rows were stored at: width, height, channels.
    public var shape: [Int]

    /// Rows of a model of this input shape.
    func fit(_ input: InputSpec) -> Bool { shape == [input.width, input.height, input.channels] }
}

extension StateStore {
    /// Every run, oldest first, with its epoch count, time and last validation accuracy.
    public func runHistory() throws(PipelineError) -> [RunHistoryRow] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.*, COUNT(e.epoch) AS n, COALESCE(SUM(e.seconds), 0) AS s,
                           (SELECT val_accuracy FROM epochs WHERE run_id = r.id ORDER BY epoch DESC LIMIT 1) AS acc
                    FROM runs r LEFT JOIN epochs e ON e.run_id = r.id GROUP BY r.id ORDER BY r.id
                    """
            ).map { row in
                RunHistoryRow(
                    id: row["id"], mode: row["mode"], started: row["started"], finished: row["finished"],
                    outcome: row["outcome"], reason: row["reason"], trainSamples: row["train_samples"],
                    valSamples: row["val_samples"], modelVersion: row["model_version"], epochs: row["n"],
                    seconds: row["s"], valAccuracy: row["acc"])
            }
        }
    }

    public func epochs(run: Int64) throws(PipelineError) -> [EpochRow] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch", arguments: [run]).map { row in
                EpochRow(
                    epoch: row["epoch"], loss: row["loss"], valLoss: row["val_loss"], valAccuracy: row["val_accuracy"],
                    seconds: row["seconds"])
            }
        }
    }

    /// Every stored model, oldest first.
    public func modelHistory() throws(PipelineError) -> [ModelHistoryRow] {
        try read { db in
            let decoder = JSONDecoder()
            return try Row.fetchAll(
                db, sql: "SELECT version, run_id, created, promoted, serving, labels, metrics FROM models ORDER BY version"
            ).map { row in
                ModelHistoryRow(
                    version: row["version"], run: row["run_id"], created: row["created"], promoted: row["promoted"],
                    serving: (row["serving"] as Int) != 0,
                    labels: (try? decoder.decode([String].self, from: Data((row["labels"] as String).utf8))) ?? [],
                    metrics: (try? decoder.decode([String: Double].self, from: Data((row["metrics"] as String).utf8))) ?? [:])
            }
        }
    }

    /// The validation examples stored at `width`×`height`×`channels`, in id order.
    public func validationRows(width: Int, height: Int, channels: Int) throws(PipelineError) -> ValidationRows {
        try read { db in
            let features = width * height * channels
            var pixels: [UInt8] = [], labels: [Int32] = [], ids: [Int64] = []
            // An upper bound (every shape), counted in the (label, split) index.
            let n = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM examples WHERE split = 'validation'") ?? 0
            pixels.reserveCapacity(n * features)
            labels.reserveCapacity(n)
            ids.reserveCapacity(n)
            // Columns by position and the pixels read in place, as trainingData does.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, label_idx, pixels FROM examples
                    WHERE split = 'validation' AND width = ? AND height = ? AND channels = ? ORDER BY id
                    """, arguments: [width, height, channels])
            while let row = try rows.next() {
                guard try row.appendPixels(atIndex: 2, bytes: features, to: &pixels) else { continue }
                labels.append(Int32(row[1] as Int))
                ids.append(row[0])
            }
            return ValidationRows(
                rows: LabeledRows(rows: FeatureRows(pixels: pixels, width: features), labels: labels), ids: ids,
                shape: [width, height, channels])
        }
    }

    /// The stored name and content hash of examples, by id.
    public func exampleNames(_ ids: [Int64]) throws(PipelineError) -> [Int64: (name: String, sha256: String)] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var out: [Int64: (name: String, sha256: String)] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, original_name, sha256 FROM examples WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ",")))",
                arguments: StatementArguments(ids))
            {
                out[row["id"]] = (row["original_name"], row["sha256"])
            }
            return out
        }
    }

    /// Examples per label (training and validation), in label-index order.
    public func examplesPerLabel() throws(PipelineError) -> [(label: String, train: Int, validation: Int)] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT l.name, SUM(e.split = 'train') AS t, SUM(e.split = 'validation') AS v
                    FROM labels l LEFT JOIN examples e ON e.label_idx = l.idx GROUP BY l.idx ORDER BY l.idx
                    """
            ).map { ($0["name"], ($0["t"] as Int?) ?? 0, ($0["v"] as Int?) ?? 0) }
        }
    }
}
