import Foundation
import MCNDModel

extension StateStore {
    /// The review loop's figures as the report and the metrics take them: the
    /// queue per folder with each label's threshold, the audit estimate with a
    /// 95 % Wilson interval, the calibration temperature, and how many files
    /// people have sorted. nil while no model has review data.
    public func reviewSnapshot() throws(PipelineError) -> ReviewSnapshot? {
        try reviewSnapshot(serving: try servingModel())
    }

    /// The same with the serving model already at hand (see `reviewStatus(serving:)`).
    public func reviewSnapshot(serving: ModelFile?) throws(PipelineError) -> ReviewSnapshot? {
        let status = try reviewStatus(serving: serving)
        guard status.temperature != nil || !status.queue.isEmpty || status.auditSamples > 0 else { return nil }
        let thresholds = status.thresholds ?? [:]
        let folders = Set(status.queue.keys).union(thresholds.keys).sorted()
        let queue = folders.map { ReviewSnapshot.Queue(label: $0, files: status.queue[$0] ?? 0, threshold: thresholds[$0] ?? nil) }
        let audit = status.auditAccuracy.map { p in Self.wilson(p, status.auditSamples) }
        let reviewed = (status.outcomes["confirmed"] ?? 0) + (status.outcomes["corrected"] ?? 0)
        var snapshot = ReviewSnapshot(queue: queue, audit: audit, temperature: status.temperature, reviewed: reviewed)
        snapshot.unfamiliar = status.unfamiliarReasons
        return snapshot
    }

    /// The Wilson score interval (z = 1.96) of a proportion `p` from `n` samples.
    static func wilson(_ p: Double, _ n: Int) -> ReviewSnapshot.Audit {
        let z = 1.96, count = Double(max(n, 1))
        let centre = (p + z * z / (2 * count)) / (1 + z * z / count)
        let half = z * ((p * (1 - p) / count + z * z / (4 * count * count)).squareRoot()) / (1 + z * z / count)
        return ReviewSnapshot.Audit(sampled: n, accuracy: p, low: max(0, centre - half), high: min(1, centre + half))
    }
}
