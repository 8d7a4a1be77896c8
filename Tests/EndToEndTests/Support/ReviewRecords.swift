import Foundation
import MCNDTestSupport

/// A predictions.jsonl line with the review keys.
struct ReviewedPrediction: Decodable {
    var file: String
    var sha256: String
    var label: String
    var confidence: Double
    var modelVersion: Int
    var review: Bool?
    var threshold: Double?
    var audit: Bool?
    var unfamiliar: Bool?
    var unfamiliarReason: String?
    var unfamiliarDetail: String?
}

/// A rescored.jsonl line.
struct RescoredRecord: Decodable {
    var file: String
    var sha256: String
    var label: String
    var confidence: Double
    var previousLabel: String
    var previousModelVersion: Int
    var modelVersion: Int
    var movedFrom: String
    var movedTo: String?
    var time: String
}

/// `confirmed` / `corrected` events, and `model_promoted` with its calibration.
struct ReviewEventRecord: Decodable {
    struct Calibration: Decodable {
        var temperature: Double
        var eceBefore: Double
        var eceAfter: Double
    }
    var event: String
    var file: String?
    var sha256: String?
    var label: String?
    var predicted: String?
    var modelVersion: Int?
    var audit: Bool?
    var reviewFile: String?
    var calibration: Calibration?
}

/// The `review` object of `mcnd status --json`.
struct ReviewStatusRecord: Decodable {
    struct Review: Decodable {
        var queue: [String: Int]
        var outcomes: [String: Int]
        var auditAccuracy: Double?
        var auditSamples: Int
        var temperature: Double?
        var thresholds: [String: Double?]?
        var auditLow: Double?
        var auditHigh: Double?
        /// Unfamiliar files waiting in review/, by reason (format, content).
        var unfamiliarReasons: [String: Int]?
    }
    var review: Review

    static func of(root: String, scratch: URL) throws -> ReviewStatusRecord {
        let result = try MCND.run(["status", "--root", root, "--json"], scratch: scratch)
        guard result.succeeded else { throw Files.Failure("\(result)") }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ReviewStatusRecord.self, from: Data(result.stdout.utf8))
    }
}

/// Top-label expected calibration error over 15 equal-width bins, as mcnd computes it.
func expectedCalibrationError(_ rows: [(confidence: Double, correct: Bool)]) -> Double {
    var count = [Int](repeating: 0, count: 15), hits = [Int](repeating: 0, count: 15), sum = [Double](repeating: 0, count: 15)
    for (c, ok) in rows {
        let b = min(14, max(0, Int((c * 15).rounded(.up)) - 1))
        count[b] += 1
        sum[b] += c
        if ok { hits[b] += 1 }
    }
    var ece = 0.0
    for b in 0..<15 where count[b] > 0 { ece += abs(Double(hits[b]) / Double(count[b]) - sum[b] / Double(count[b])) * Double(count[b]) }
    return rows.isEmpty ? 0 : ece / Double(rows.count)
}
