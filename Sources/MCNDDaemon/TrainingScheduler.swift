import MCNDPipeline

/// When the daemon starts a due run: the minimum interval since the last run
/// has passed (the first run may start at once), and labeled examples have
/// paused for the quiet period, so a drop of 10,000 files causes one run, not
/// 10,000 — or, quiet or not, the longest delay since the first example the
/// run waits for has passed, so examples that keep coming cannot put training
/// off for good. Prediction requests never hold a run back: under steady
/// traffic the inbox is never quiet. Measured on the monotonic clock: a
/// wall-clock step neither stalls nor rushes a run.
public struct TrainingScheduler: Sendable {
    /// What a pass found in the inbox.
    public enum Arrival: Sendable, Equatable { case requests, examples }
    /// Why a due run may not start yet, as far as the schedule is concerned.
    public enum Hold: Sendable, Equatable { case interval, quiet }

    public var schedule: TrainingSchedule
    let clock: any DaemonClock
    /// When the last run of this process ended; nil before the first.
    private var lastRunEnded: ContinuousClock.Instant?
    /// When examples last arrived: the quiet period counts from here.
    private var lastExamples: ContinuousClock.Instant?
    /// When the first example since the last run started arrived: the longest delay counts from here.
    private var firstWaiting: ContinuousClock.Instant?

    public init(schedule: TrainingSchedule, clock: any DaemonClock = SystemClock()) {
        self.schedule = schedule
        self.clock = clock
    }

    /// A pass moved files of this kind out of the inbox.
    public mutating func arrived(_ arrival: Arrival) {
        // The quiet period is there to gather a drop of examples into one run; requests are not trained on.
        guard arrival == .examples else { return }
        let now = clock.monotonic()
        lastExamples = now
        if firstWaiting == nil { firstWaiting = now }
    }

    /// Whether examples arrived since the last run started (they wait for the next).
    public var examplesWaiting: Bool { firstWaiting != nil }

    /// A run started: it trains on the examples so far, later ones wait for the next.
    public mutating func runStarted() { firstWaiting = nil }

    /// A run ended: the minimum interval starts.
    public mutating func runEnded() { lastRunEnded = clock.monotonic() }

    /// What holds a due run back now; nil when it may start.
    public func hold() -> Hold? {
        let now = clock.monotonic()
        if let ended = lastRunEnded, now - ended < .seconds(schedule.minIntervalSeconds) { return .interval }
        guard let lastExamples, now - lastExamples < .seconds(schedule.quietSeconds) else { return nil }
        if let firstWaiting, now - firstWaiting >= .seconds(schedule.maxDelaySeconds) { return nil }
        return .quiet
    }

    /// Whether a due run may start now.
    public func shouldStart() -> Bool { hold() == nil }
}
