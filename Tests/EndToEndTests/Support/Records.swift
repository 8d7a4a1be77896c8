import Foundation
import Glibc
import MCNDImaging
import MCNDModel
import MCNDTestSupport
import Testing

/// The outbox lines the tests read, with the keys the README documents.
struct PredictionRecord: Decodable, Equatable {
    var file: String
    var sha256: String
    var label: String
    var confidence: Double
    var probabilities: [String: Double]
    var modelVersion: Int
    var time: String
}

struct LossRecord: Decodable {
    var run: Int
    var mode: String
    var epoch: Int
    var epochs: Int
    var loss: Double
    var valLoss: Double?
    var valAccuracy: Double?
    var trainSamples: Int
    var valSamples: Int
    var seconds: Double
    var time: String
}

struct EventRecord: Decodable {
    var event: String
    var time: String
    var file: String?
    var sha256: String?
    var reason: String?
    var label: String?
    var existingLabel: String?
    var movedTo: String?
    var run: Int?
    var mode: String?
    var outcome: String?
    var modelVersion: Int?
    var labels: [String]?
}

/// `mcnd status --json`.
struct StatusRecord: Decodable {
    struct Model: Decodable {
        var version: Int
        var labels: [String]
        var metrics: [String: Double]
    }
    struct Run: Decodable {
        var id: Int
        var mode: String
        var finished: String?
        var outcome: String?
    }
    struct Status: Decodable {
        var model: Model?
        var examplesPerLabel: [String: Int]
        var examples: Int
        var lastRun: Run?
    }
    struct Training: Decodable {
        struct Wait: Decodable {
            var reason: String
            var since: String
            var pid: Int
        }
        var waitingExamples: Int
        var oldestWaiting: String?
        var oldestWaitingSeconds: Double?
        var wait: Wait?
    }
    var root: String
    var status: Status
    var pending: Int
    var pendingLabeled: Int
    /// Nil from versions before it.
    var training: Training?

    static func of(root: String, scratch: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> StatusRecord {
        let result = try MCND.run(["status", "--root", root, "--json"], scratch: scratch)
        try #require(result.succeeded, "\(result)", sourceLocation: sourceLocation)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(StatusRecord.self, from: Data(result.stdout.utf8))
    }
}

/// RFC 3339 UTC with milliseconds, e.g. 2026-01-02T03:04:05.678Z.
func isRFC3339Milliseconds(_ s: String) -> Bool {
    let b = Array(s.utf8)
    guard b.count == 24 else { return false }
    let digits: Set<Int> = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22]
    for (i, c) in b.enumerated() {
        switch i {
        case 4, 7: if c != UInt8(ascii: "-") { return false }
        case 10: if c != UInt8(ascii: "T") { return false }
        case 13, 16: if c != UInt8(ascii: ":") { return false }
        case 19: if c != UInt8(ascii: ".") { return false }
        case 23: if c != UInt8(ascii: "Z") { return false }
        default: if !digits.contains(i) || !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) { return false }
        }
    }
    return true
}
