import MCNDPipeline

/// What wakes the daemon's loop.
enum DaemonEvent: Sendable {
    /// The watcher added to PendingChanges.
    case inboxChanged
    case tick
    case reload
    case trainingFinished(Result<TrainingSummary, PipelineError>)
    case shutdown
}
