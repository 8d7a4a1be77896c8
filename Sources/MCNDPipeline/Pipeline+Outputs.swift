/// The report and the metrics textfile of a pipeline's root.
extension Pipeline {
    /// Rebuilds outbox/report.html, report.json and losses.svg from the state now.
    @discardableResult
    public func writeReport() throws(PipelineError) -> ReportData {
        try ReportWriter(root: root, store: store, serving: serving.current, review: try? store.reviewSnapshot(serving: serving.current))
            .write()
    }

    /// Rewrites the metrics textfile; `pending` is what the last pass left in the inbox, `wait`
    /// why the daemon holds a due run back.
    public func writeMetrics(pending: Int, wait: TrainingWait.Reason? = nil) throws(PipelineError) {
        try MetricsWriter(root: root, store: store, settings: configuration.metrics)
            .write(serving: serving.current, pending: pending, review: try? store.reviewSnapshot(serving: serving.current), wait: wait)
    }

    /// As `writeMetrics`, logging a failure instead of throwing: metrics never stop the work.
    public func writeMetricsLogging(pending: Int, wait: TrainingWait.Reason? = nil) {
        do { try writeMetrics(pending: pending, wait: wait) } catch { logger.error("cannot write the metrics textfile: \(error)") }
    }
}

extension Pipeline.OnceSummary {
    /// Files this pass left in the inbox.
    public var pending: Int { unsettled + ingest.deferred + predict.waiting }
}
