import MCNDPipeline

/// What wakes the daemon's loop.
enum DaemonEvent: Sendable {
    case changes([InboxWatcher.Change])
    case tick
    case reload
    case trainingFinished(Result<TrainingSummary, PipelineError>)
    case shutdown
}

