import MCNDPipeline

/// The daemon loop's periodic duties: the systemd watchdog ping, the poll, the
/// safety-net rescan and the quick rescan of files left for later. Measured
/// on the monotonic clock: a wall-clock step must not stop the pings (systemd
/// would kill the daemon at WatchdogSec) nor the scans.
public struct DaemonTimers: Sendable {
    /// `WATCHDOG_USEC` in seconds; nil outside systemd's watchdog.
    public let watchdog: Double?
    let clock: any DaemonClock
    private var lastPing: ContinuousClock.Instant?
    private var lastScan: ContinuousClock.Instant?

    public init(watchdog: Double?, clock: any DaemonClock = SystemClock()) {
        self.watchdog = watchdog
        self.clock = clock
    }

    /// True when a `WATCHDOG=1` is due (half the interval since the last one,
    /// as sd_watchdog_enabled(3) advises); counts it as sent.
    public mutating func watchdogPingDue() -> Bool {
        guard let watchdog else { return false }
        let now = clock.monotonic()
        if let lastPing, now - lastPing < .seconds(watchdog / 2) { return false }
        lastPing = now
        return true
    }

    /// Whether the whole inbox should be scanned now: every poll interval when
    /// polling, every rescan interval anyway, and soon when files were left for later.
    public func rescanDue(watch: WatchSettings, polling: Bool, leftovers: Bool) -> Bool {
        guard let lastScan else { return true }
        let since = clock.monotonic() - lastScan
        return (polling && since >= .seconds(watch.pollSeconds)) || since >= .seconds(watch.rescanSeconds)
            || (leftovers && since >= .milliseconds(500))
    }

    /// The whole inbox was scanned now.
    public mutating func scanned() { lastScan = clock.monotonic() }
}
