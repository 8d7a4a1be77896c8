import Foundation
import GRDB
import MCNDModel

/// The examples usable at one input shape, split for training.
public struct TrainingData: Sendable {
    public var train: LabeledRows
    public var validation: LabeledRows
    public var labels: [String]
    /// Examples with ids up to this one are included.
    public var lastExampleId: Int64
    /// Examples stored at another input shape (not used).
    public var otherShape: Int
    /// A number per row from its content hash (independent of the hold-out
    /// choice), for cross-validation folds that stay put as the set grows.
    public var trainKeys: [UInt64] = []
    public var validationKeys: [UInt64] = []
    /// The validation rows' example ids (the report names its mistakes by them).
    public var validationIds: [Int64] = []
    /// The rows' source formats (nil when some example's was not recorded: stored before formats were).
    public var formats: TrainingFormats?

    /// Every row, train then validation, with its fold key.
    public var all: (rows: LabeledRows, keys: [UInt64]) {
        var pixels: [UInt8] = []
        if case .pixels(let t) = train.rows.storage, case .pixels(let v) = validation.rows.storage {
            pixels.reserveCapacity(t.count + v.count)
            pixels += t
            pixels += v
        }
        let width = max(train.rows.width, validation.rows.width)
        return (
            LabeledRows(rows: FeatureRows(pixels: pixels, width: width), labels: train.labels + validation.labels),
            trainKeys + validationKeys
        )
    }

    /// Hex digits 9–24 of the SHA-256 (the hold-out reads 1–8), given as those
    /// 16 bytes; 0 when they are not 16 hex digits.
    static func foldKey(hexDigits: Data?) -> UInt64 {
        guard let hexDigits, hexDigits.count == 16 else { return 0 }
        var value: UInt64 = 0
        for byte in hexDigits {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return 0
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }
}

extension Row {
    /// Appends the blob in column `index` to `pixels`, read in place, when it
    /// holds `bytes` bytes; false (nothing appended) otherwise.
    func appendPixels(atIndex index: Int, bytes: Int, to pixels: inout [UInt8]) throws -> Bool {
        try withUnsafeData(atIndex: index) { data in
            guard let data, data.count == bytes else { return false }
            // As a buffer, so the append is one copy rather than a walk over the bytes.
            data.withUnsafeBytes { pixels.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
            return true
        }
    }
}

extension StateStore {
    public func newestExampleId() throws(PipelineError) -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM examples") ?? 0 }
    }

    /// Distinct labels among the training rows at an input shape (without loading pixels):
    /// per label, the first such row through the (label, split) index, not a
    /// scan of every row (a second at a million examples).
    public func trainingLabelCount(width: Int, height: Int, channels: Int) throws(PipelineError) -> Int {
        try read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM labels l WHERE EXISTS (SELECT 1 FROM examples e WHERE e.label_idx = l.idx
                    AND e.split = 'train' AND e.width = ? AND e.height = ? AND e.channels = ?)
                    """,
                arguments: [width, height, channels]) ?? 0
        }
    }

    public func exampleCount() throws(PipelineError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM examples") ?? 0 }
    }

    /// The newest run that completed (promoted or not); interrupted runs do not count.
    public func lastRun() throws(PipelineError) -> RunRecord? {
        try read { db in
            try RunRecord.fetchOne(
                db, sql: "SELECT * FROM runs WHERE finished IS NOT NULL AND outcome != ? ORDER BY id DESC LIMIT 1",
                arguments: [RunOutcome.interrupted])
        }
    }

    /// Runs finished since the last full one (for `train.full_every`).
    /// Examples stored when the last finished full run started; nil before one.
    public func lastFullRunExamples() throws(PipelineError) -> Int? {
        try read { db in
            guard
                let last = try Int64.fetchOne(
                    db, sql: "SELECT last_example_id FROM runs WHERE mode = ? AND finished IS NOT NULL ORDER BY id DESC LIMIT 1",
                    arguments: [RunMode.full])
            else { return nil }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM examples WHERE id <= ?", arguments: [last])
        }
    }

    public func runsSinceFull() throws(PipelineError) -> Int {
        try read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM runs WHERE finished IS NOT NULL
                    AND id > COALESCE((SELECT MAX(id) FROM runs WHERE mode = ? AND finished IS NOT NULL), 0)
                    """, arguments: [RunMode.full]) ?? 0
        }
    }

    /// The model that answers predictions, if any.
    public func servingModel() throws(PipelineError) -> ModelFile? {
        let bytes: Data? = try read { db in
            try ServingRow.file(db)
        }
        guard let bytes else { return nil }
        do { return try ModelFile(decoding: [UInt8](bytes)) } catch {
            throw .corruptState(path: path, reason: "the serving model cannot be read: \(error)")
        }
    }

    public func nextModelVersion() throws(PipelineError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) + 1 FROM models") ?? 1 }
    }

    /// Every example stored at `width`×`height`×`channels`, as train and validation rows.
    public func trainingData(width: Int, height: Int, channels: Int) throws(PipelineError) -> TrainingData {
        try read { db in
            let labels = try String.fetchAll(db, sql: "SELECT name FROM labels ORDER BY idx")
            let features = width * height * channels
            var train: [UInt8] = [], validation: [UInt8] = []
            var trainLabels: [Int32] = [], validationLabels: [Int32] = []
            var trainKeys: [UInt64] = [], validationKeys: [UInt64] = [], validationIds: [Int64] = []
            // Reserved up front: growing by doubling would briefly hold the old and the new
            // buffer (≈ 1.7× the pixels at 60,000 examples) and set the process's peak RSS.
            // The counts of every shape, from the (label, split) index: an upper bound
            // read without touching the pixel rows, and the total the answer reports.
            var total = 0
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT split = 'validation', SUM(n) FROM (SELECT label_idx, split, COUNT(*) AS n FROM examples
                    GROUP BY label_idx, split) GROUP BY split
                    """)
            {
                let n: Int = row[1]
                total += n
                if row[0] as Bool {
                    validation.reserveCapacity(n * features)
                    validationLabels.reserveCapacity(n)
                } else {
                    train.reserveCapacity(n * features)
                    trainLabels.reserveCapacity(n)
                }
            }
            var last: Int64 = 0
            // Counted while the rows are read anyway: no second pass over the table.
            // By key, a run of equal keys at a time (rows come in runs of one
            // format), each distinct key parsed once after the loop.
            var formatRows: [String?: Int] = [:], run: (key: String?, rows: Int) = (nil, 0)
            // Columns by position, the pixels and hash digits read in place:
            // a million rows pay no column-name lookups and no copies per row.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, label_idx, split = 'validation', substr(sha256, 9, 16), pixels, source_format FROM examples
                    WHERE width = ? AND height = ? AND channels = ? ORDER BY id
                    """, arguments: [width, height, channels])
            while let row = try rows.next() {
                let isValidation: Bool = row[2]
                let stored =
                    isValidation
                    ? try row.appendPixels(atIndex: 4, bytes: features, to: &validation)
                    : try row.appendPixels(atIndex: 4, bytes: features, to: &train)
                guard stored else { continue }
                let id: Int64 = row[0]
                last = max(last, id)
                let formatKey: String? = row[5]
                if formatKey != run.key || run.rows == 0 {
                    if run.rows > 0 { formatRows[run.key, default: 0] += run.rows }
                    run = (formatKey, 0)
                }
                run.rows += 1
                let label = Int32(row[1] as Int)
                let fold = try row.withUnsafeData(atIndex: 3) { TrainingData.foldKey(hexDigits: $0) }
                if isValidation {
                    validationLabels.append(label)
                    validationKeys.append(fold)
                    validationIds.append(id)
                } else {
                    trainLabels.append(label)
                    trainKeys.append(fold)
                }
            }
            if run.rows > 0 { formatRows[run.key, default: 0] += run.rows }
            var formats: [SourceFormat: Int] = [:], unknownFormat = false
            for (key, rows) in formatRows {
                guard let format = key.flatMap(SourceFormat.init(key:)) else {
                    unknownFormat = true
                    continue
                }
                formats[format, default: 0] += rows
            }
            return TrainingData(
                train: LabeledRows(rows: FeatureRows(pixels: train, width: features), labels: trainLabels),
                validation: LabeledRows(rows: FeatureRows(pixels: validation, width: features), labels: validationLabels),
                labels: labels, lastExampleId: last, otherShape: total - trainLabels.count - validationLabels.count,
                trainKeys: trainKeys, validationKeys: validationKeys, validationIds: validationIds,
                formats: unknownFormat ? nil : TrainingFormats(formats))
        }
    }

    public func startRun(mode: RunMode, lastExampleId: Int64, trainSamples: Int, validationSamples: Int) throws(PipelineError) -> Int64 {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO runs (mode, started, last_example_id, train_samples, val_samples) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [mode, Timestamp.now(), lastExampleId, trainSamples, validationSamples])
            return db.lastInsertedRowID
        }
    }

    public func recordEpoch(run: Int64, _ report: EpochReport) throws(PipelineError) {
        try write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO epochs (run_id, epoch, loss, val_loss, val_accuracy, seconds) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    run, report.epoch, report.loss.isFinite ? report.loss : nil,
                    report.validationLoss.flatMap { $0.isFinite ? $0 : nil }, report.validationAccuracy, report.seconds,
                ])
        }
    }

    /// Ends a run; with `model`, stores it and, when `promote`, makes it the serving one,
    /// unless a model is pinned: then the run is kept_serving and the pinned version is returned.
    /// `announcing` (the promotion's event line, its offset chosen) is committed
    /// with the promotion, only if it happens (`PendingLine`).
    @discardableResult
    public func finishRun(
        _ run: Int64, outcome: RunOutcome, reason: String?, model: ModelFile?, promote: Bool,
        announcing: PendingLine? = nil
    ) throws(PipelineError) -> Int? {
        try write { db in
            var (outcome, reason, promote) = (outcome, reason, promote)
            // Checked in the transaction that promotes, so a pin made during the run holds.
            let pinned = promote ? try ModelPin.pinnedVersion(db) : nil
            if let pinned { (outcome, reason, promote) = (.keptServing, ModelPin.pinnedReason(pinned), false) }
            var version: Int?
            if let model {
                version = model.version
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                func json<T: Encodable>(_ v: T) throws -> String { String(decoding: try encoder.encode(v), as: UTF8.self) }
                if promote { try ServingRow.clear(db) }
                try db.execute(
                    sql: """
                        INSERT INTO models (version, run_id, labels, input, hyperparameters, metrics, file, created, promoted, serving)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        model.version, run, try json(model.labels), try json(model.input), try json(model.options),
                        try json(model.metrics), Data(model.encoded()), model.created,
                        promote ? Timestamp.now() : nil, promote ? 1 : 0,
                    ])
            }
            try db.execute(
                sql: "UPDATE runs SET finished = ?, outcome = ?, reason = ?, model_version = ? WHERE id = ?",
                arguments: [Timestamp.now(), outcome, reason, version, run])
            if promote, model != nil, let announcing { try Self.insertPendingLine(announcing, db) }
            return pinned
        }
    }

    /// Runs left unfinished by a crash are closed as `interrupted`.
    public func closeInterruptedRuns() throws(PipelineError) {
        try write { db in
            try db.execute(
                sql: "UPDATE runs SET finished = ?, outcome = ? WHERE finished IS NULL",
                arguments: [Timestamp.now(), RunOutcome.interrupted])
        }
    }
}
