import Glibc

/// Seconds on CLOCK_MONOTONIC: deadlines and durations in the tests do not
/// move when the wall clock is stepped.
public func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Polls `condition` every `milliseconds` until it holds (true) or `timeout`
/// seconds pass (false), blocking the calling thread.
public func eventually(timeout: Double, every milliseconds: Int = 20, _ condition: () throws -> Bool) throws -> Bool {
    let deadline = monotonic() + timeout
    while true {
        if try condition() { return true }
        if monotonic() >= deadline { return false }
        usleep(useconds_t(milliseconds * 1000))
    }
}

/// The same for async tests: sleeps between polls instead of blocking.
public func eventually(timeout: Double, every milliseconds: Int = 5, _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = monotonic() + timeout
    while true {
        if try condition() { return true }
        if monotonic() >= deadline { return false }
        try await Task.sleep(for: .milliseconds(milliseconds))
    }
}
