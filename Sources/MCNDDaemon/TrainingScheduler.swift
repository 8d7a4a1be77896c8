import MCNDPipeline

/// When the daemon starts a run: labeled examples arrived since the last run,
/// the minimum interval since the last run has passed (the first run may start
/// at once), and the inbox has been quiet for the quiet period, so a drop of
/// 10,000 files causes one run, not 10,000.
struct TrainingScheduler: Sendable {
    var schedule: TrainingSchedule
    /// When the last run of this process ended; nil before the first.
    var lastRunEnded: Double?
    /// When the inbox last changed.
    var lastActivity: Double = -Double.infinity

    func shouldStart(now: Double, due: Bool, running: Bool) -> Bool {
        guard due, !running else { return false }
        if let ended = lastRunEnded, now - ended < schedule.minIntervalSeconds { return false }
        return now - lastActivity >= schedule.quietSeconds
    }
}
