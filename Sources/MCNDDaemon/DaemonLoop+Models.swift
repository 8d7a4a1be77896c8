import MCNDPipeline

extension DaemonLoop {
    /// A pin, unpin or rollback from `mcnd models`, picked up from the state on
    /// the tick (so within 250 ms, no signal needed). True when the serving model changed.
    func applyModelChanges() -> Bool {
        do { return try pipeline.applyModelChanges() } catch {
            logger.error("cannot apply model changes: \(error); retrying")
            return false
        }
    }
}
