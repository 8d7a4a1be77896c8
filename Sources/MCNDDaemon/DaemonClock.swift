import Glibc

/// The two clocks the daemon reads. Every interval (watchdog, polling,
/// rescans, quiet period, minimum interval) is measured on `monotonic`, which
/// never jumps; `wall` (CLOCK_REALTIME) can be stepped by NTP or a resumed VM
/// and is only for time stamps and for comparing with file times. A protocol
/// so that tests can step the wall clock and check that no decision changes.
public protocol DaemonClock: Sendable {
    /// Now on a clock that only moves forward (CLOCK_MONOTONIC).
    func monotonic() -> ContinuousClock.Instant
    /// Seconds since the epoch (CLOCK_REALTIME).
    func wall() -> Double
}

/// The system's clocks.
public struct SystemClock: DaemonClock {
    public init() {}

    public func monotonic() -> ContinuousClock.Instant { .now }

    public func wall() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
