/// The report and the metrics textfile of a pipeline's root.
extension Pipeline {
    /// Rebuilds outbox/report.html, report.json and losses.svg from the state now.
    @discardableResult
    public func writeReport() throws(PipelineError) -> ReportData {
        try ReportWriter(context: context).write()
    }

    /// Rewrites the metrics textfile; `pending` is what the last pass left in the inbox.
    public func writeMetrics(pending: Int) throws(PipelineError) {
        try MetricsWriter(root: context.root, store: context.store, settings: context.configuration.metrics)
            .write(serving: context.serving, pending: pending, review: try? context.store.reviewSnapshot())
    }

    /// As `writeMetrics`, logging a failure instead of throwing: metrics never stop the work.
    public func writeMetricsLogging(pending: Int) {
        do { try writeMetrics(pending: pending) } catch { context.logger.error("cannot write the metrics textfile: \(error)") }
    }
}

extension Pipeline.OnceSummary {
    /// Files this pass left in the inbox.
    public var pending: Int { unsettled + ingest.deferred + predict.waiting }
}
