import MCNDPipeline

/// When the daemon starts a run: labeled examples arrived since the last run,
/// the minimum interval since the last run has passed (the first run may start
/// at once), and the inbox has been quiet for the quiet period, so a drop of
/// 10,000 files causes one run, not 10,000. Measured on the monotonic clock:
/// a wall-clock step neither stalls nor rushes a run.
public struct TrainingScheduler: Sendable {
    public var schedule: TrainingSchedule
    let clock: any DaemonClock
    /// When the last run of this process ended; nil before the first.
    private var lastRunEnded: ContinuousClock.Instant?
    /// When the inbox last changed.
    private var lastActivity: ContinuousClock.Instant?

    public init(schedule: TrainingSchedule, clock: any DaemonClock = SystemClock()) {
        self.schedule = schedule
        self.clock = clock
    }

    /// The inbox changed (a file arrived, examples were ingested): the quiet period starts again.
    public mutating func inboxChanged() { lastActivity = clock.monotonic() }

    /// A run ended: the minimum interval starts.
    public mutating func runEnded() { lastRunEnded = clock.monotonic() }

    /// Whether a due run may start now.
    public func shouldStart() -> Bool {
        let now = clock.monotonic()
        if let ended = lastRunEnded, now - ended < .seconds(schedule.minIntervalSeconds) { return false }
        guard let lastActivity else { return true }
        return now - lastActivity >= .seconds(schedule.quietSeconds)
    }
}
