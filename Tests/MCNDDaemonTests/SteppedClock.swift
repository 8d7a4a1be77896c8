import MCNDDaemon
import Synchronization

/// A clock a test drives: `advance` moves both clocks (time passes), `stepWall`
/// moves only the wall clock, as an NTP step or a resumed VM does.
final class SteppedClock: DaemonClock {
    private struct State {
        var elapsed: Duration = .zero
        var wallOffset = 0.0
    }
    private let state = Mutex(State())
    private let origin = ContinuousClock.now
    private let wallOrigin = 1_800_000_000.0

    func monotonic() -> ContinuousClock.Instant { origin.advanced(by: state.withLock { $0.elapsed }) }

    func wall() -> Double {
        state.withLock { s in
            let (seconds, attoseconds) = s.elapsed.components
            return wallOrigin + Double(seconds) + Double(attoseconds) / 1e18 + s.wallOffset
        }
    }

    func advance(_ seconds: Double) { state.withLock { $0.elapsed += .seconds(seconds) } }
    func stepWall(_ seconds: Double) { state.withLock { $0.wallOffset += seconds } }
}
