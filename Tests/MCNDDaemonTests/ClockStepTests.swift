import MCNDDaemon
import MCNDPipeline
import Testing

/// The daemon's timers under wall-clock steps: what they decide must depend on
/// elapsed time only. Each test replays the same steady ticks (as the daemon's
/// 250 ms ticker) with and without steps and compares the decisions.
@Suite("Clock steps") struct ClockStepTests {
    static let steps: [(at: Double, by: Double)] = [(45, -3600), (100, 7200), (150, -86_400)]

    /// Ticks every 0.25 s for `duration` seconds, stepping the wall clock as `steps` says;
    /// returns the elapsed times at which `decide` said yes.
    static func replay(duration: Double, steps: [(at: Double, by: Double)], _ decide: (SteppedClock, Double) -> Bool) -> [Double] {
        let clock = SteppedClock()
        var pending = steps
        var yes: [Double] = []
        var t = 0.0
        while t <= duration {
            while let step = pending.first, step.at <= t {
                clock.stepWall(step.by)
                pending.removeFirst()
            }
            if decide(clock, t) { yes.append(t) }
            clock.advance(0.25)
            t += 0.25
        }
        return yes
    }

    @Test("WATCHDOG=1 every half WatchdogSec (30 s of 60 s) whatever the wall clock does")
    func watchdogPings() {
        var timers: DaemonTimers?
        let pings = Self.replay(duration: 200, steps: Self.steps) { clock, t in
            if timers == nil { timers = DaemonTimers(watchdog: 60, clock: clock) }
            return timers!.watchdogPingDue()
        }
        #expect(pings == [0, 30, 60, 90, 120, 150, 180], "a ping every 30 s: \(pings)")
    }

    @Test("the poll and the safety-net rescan keep their intervals across wall-clock steps")
    func rescans() {
        var watch = WatchSettings()
        watch.pollSeconds = 2
        watch.rescanSeconds = 60
        for polling in [false, true] {
            var timers: DaemonTimers?
            let scans = Self.replay(duration: 200, steps: Self.steps) { clock, _ in
                if timers == nil { timers = DaemonTimers(watchdog: nil, clock: clock) }
                guard timers!.rescanDue(watch: watch, polling: polling, leftovers: false) else { return false }
                timers!.scanned()
                return true
            }
            let expected = stride(from: 0.0, through: 200, by: polling ? 2 : 60).map { $0 }
            #expect(Self.gaps(scans) == Self.gaps(expected), "polling \(polling)")
        }
    }

    @Test("the quiet period: a run may start 5 s after the last example, not an hour later, not at once")
    func quietPeriod() {
        var schedule = TrainingSchedule()
        schedule.quietSeconds = 5
        schedule.minIntervalSeconds = 0
        // No run starts here, so the bound on the delay must not end the quiet period early.
        schedule.maxDelaySeconds = 600
        // Examples arrive at 40 s and 98 s; the wall clock steps at 45 s (back) and 100 s (forward).
        var scheduler: TrainingScheduler?
        let allowed = Self.replay(duration: 120, steps: Self.steps) { clock, t in
            if scheduler == nil { scheduler = TrainingScheduler(schedule: schedule, clock: clock) }
            if t == 40 || t == 98 { scheduler!.arrived(.examples) }
            return scheduler!.shouldStart()
        }
        let expected = Self.replay(duration: 120, steps: []) { _, t in t < 40 || (t >= 45 && t < 98) || t >= 103 }
        #expect(Self.ranges(allowed) == Self.ranges(expected), "when a run may start")
    }

    @Test("the minimum interval: the next run waits 600 s after the last one ended, neither 0 s nor an hour more")
    func minimumInterval() {
        var schedule = TrainingSchedule()
        schedule.quietSeconds = 0
        schedule.minIntervalSeconds = 600
        let steps: [(at: Double, by: Double)] = [(100, 7200), (700, -3600), (1400, -3600)]
        // Runs end at 10 s and at 650 s (whenever allowed after 620 s).
        var scheduler: TrainingScheduler?
        var ended: [Double] = []
        let allowed = Self.replay(duration: 1400, steps: steps) { clock, t in
            if scheduler == nil { scheduler = TrainingScheduler(schedule: schedule, clock: clock) }
            if t == 10 || (t >= 620 && ended.count == 1 && scheduler!.shouldStart()) {
                scheduler!.runEnded()
                ended.append(t)
            }
            return scheduler!.shouldStart()
        }
        #expect(ended == [10, 620], "runs ended at \(ended)")
        let expected = Self.replay(duration: 1400, steps: []) { _, t in t < 10 || (t >= 610 && t < 620) || t >= 1220 }
        #expect(Self.ranges(allowed) == Self.ranges(expected), "when a run may start")
    }

    /// `[0, 2, 4, 6, 100]` → "0, +2 ×3, +94", for readable failures.
    static func gaps(_ times: [Double]) -> String {
        guard let first = times.first else { return "never" }
        var parts = ["\(first)"]
        var previous = first
        var run: (gap: Double, count: Int)?
        func flush() { if let r = run { parts.append(r.count > 1 ? "+\(r.gap) ×\(r.count)" : "+\(r.gap)") } }
        for t in times.dropFirst() {
            let gap = t - previous
            previous = t
            if run?.gap == gap {
                run!.count += 1
            } else {
                flush()
                run = (gap, 1)
            }
        }
        flush()
        return parts.joined(separator: ", ")
    }

    /// `[0, 0.25, 0.5, 3, 3.25]` → "0–0.5, 3–3.25", for readable failures.
    static func ranges(_ times: [Double]) -> String {
        var out: [String] = []
        var start: Double?, last: Double?
        for t in times {
            if let l = last, t - l > 0.25 {
                out.append("\(start!)–\(l)")
                start = t
            } else if start == nil {
                start = t
            }
            last = t
        }
        if let start, let last { out.append("\(start)–\(last)") }
        return out.isEmpty ? "never" : out.joined(separator: ", ")
    }
}
