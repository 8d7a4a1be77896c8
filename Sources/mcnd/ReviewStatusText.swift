import Foundation
import MCNDPipeline

/// The review lines of `mcnd status`.
struct ReviewStatusText {
    let review: ReviewStatus
    init(_ review: ReviewStatus) { self.review = review }

    /// An estimate whose interval is wider than this says little: at 0.95 right,
    /// about 20 sorted audits; after one, anything from 0.2 to 1.
    static let meaningfulWidth = 0.2

    var text: String {
        var out = ""
        let waiting = review.queue.values.reduce(0, +)
        out += "review: \(waiting) waiting in review/"
        if let t = review.targetPrecision { out += String(format: " (target precision %.3f)", t) }
        out += "\n"
        let reasons = UnfamiliarReason.allCases.map { "\($0.rawValue) \(review.unfamiliarReasons[$0.rawValue] ?? 0)" }
        for (folder, n) in review.queue.sorted(by: { $0.key < $1.key }) {
            let why = folder == "_unfamiliar" ? " (" + reasons.joined(separator: ", ") + ")" : ""
            out += "  \(folder): \(n)\(why)\n"
        }
        if let t = review.temperature, let before = review.eceBefore, let after = review.eceAfter {
            out += String(format: "calibration: temperature %.4f, ECE %.4f before, %.4f after\n", t, before, after)
        }
        if let thresholds = review.thresholds {
            out += "thresholds:"
            for (label, t) in thresholds.sorted(by: { $0.key < $1.key }) {
                out += " \(label) " + (t.map { String(format: "%.4f", $0) } ?? "none (all reviewed)") + ";"
            }
            out.removeLast()
            out += "\n"
        }
        if let a = review.auditAccuracy, let low = review.auditLow, let high = review.auditHigh {
            let files = review.auditSamples == 1 ? "file" : "files"
            out += String(format: "audit: auto-accepted answers right %.3f of the time (95 %% interval %.3f–%.3f, ", a, low, high)
            out += "from \(review.auditSamples) audited \(files) confirmed or corrected)"
            if high - low > Self.meaningfulWidth {
                out += String(format: "; too few to mean much yet (the interval is wider than %.2f)", Self.meaningfulWidth)
            }
            out += "\n"
        } else {
            out += "audit: no audited file confirmed or corrected yet\n"
        }
        let resolved = ["confirmed", "corrected", "rescored"].map { "\($0) \(review.outcomes[$0] ?? 0)" }
        out += "resolved: " + resolved.joined(separator: ", ") + "\n"
        return out
    }
}
