import MCNDDaemon
import MCNDPipeline

/// The daemon loop's use of the scheduler on a stepped clock: every 10 ms the
/// files of that moment arrive (one pass each), then the loop asks whether a
/// due run may start; a run that starts takes `runSeconds`. A run is due when
/// examples arrived since the last one started (or were there at the start).
struct Traffic {
    var schedule: TrainingSchedule
    var requestsEvery: Double?
    var examplesEvery: Double?
    var examplesUntil = Double.infinity
    var runSeconds: Double
    var examplesAtStart = false

    static let tick = 0.01

    /// When runs started, in seconds from the beginning.
    func runStarts(duration: Double) -> [Double] {
        let clock = SteppedClock()
        var scheduler = TrainingScheduler(schedule: schedule, clock: clock)
        var due = examplesAtStart
        if examplesAtStart { scheduler.arrived(.examples) }
        var runEnds: Int?
        var starts: [Double] = []
        func every(_ period: Double?, _ i: Int) -> Bool {
            guard let period else { return false }
            let n = Int((period / Self.tick).rounded())
            return i % n == 0
        }
        let ticks = Int((duration / Self.tick).rounded())
        for i in 0...ticks {
            let t = Double(i) * Self.tick
            if let end = runEnds, i >= end {
                scheduler.runEnded()
                runEnds = nil
            }
            if every(requestsEvery, i) { scheduler.arrived(.requests) }
            if every(examplesEvery, i), t < examplesUntil {
                scheduler.arrived(.examples)
                due = true
            }
            if runEnds == nil, due, scheduler.shouldStart() {
                scheduler.runStarted()
                starts.append(t)
                due = false
                runEnds = i + Int((runSeconds / Self.tick).rounded())
            }
            clock.advance(Self.tick)
        }
        return starts
    }

    static func gaps(_ times: [Double]) -> [Double] { zip(times.dropFirst(), times).map { $0 - $1 } }
}
