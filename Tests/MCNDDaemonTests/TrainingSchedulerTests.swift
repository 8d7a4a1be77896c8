import MCNDDaemon
import MCNDPipeline
import Testing

/// When the daemon may start a run, on a clock the test moves (no waiting).
@Suite("Training scheduler") struct TrainingSchedulerTests {
    static func schedule(quiet: Double, minInterval: Double, maxDelay: Double = 60) -> TrainingSchedule {
        var schedule = TrainingSchedule()
        schedule.quietSeconds = quiet
        schedule.minIntervalSeconds = minInterval
        schedule.maxDelaySeconds = maxDelay
        return schedule
    }

    @Test("the first run may start at once: no run has ended and no example has arrived")
    func firstRunAtOnce() {
        let scheduler = TrainingScheduler(schedule: Self.schedule(quiet: 5, minInterval: 600), clock: SteppedClock())
        #expect(scheduler.shouldStart())
    }

    @Test("each example restarts the quiet period: a trickle shorter than the bound holds the run back until it stops")
    func trickleHoldsTheRunBack() {
        let clock = SteppedClock()
        var scheduler = TrainingScheduler(schedule: Self.schedule(quiet: 5, minInterval: 0), clock: clock)
        for _ in 0..<10 {
            scheduler.arrived(.examples)
            clock.advance(4)
            #expect(scheduler.hold() == .quiet, "4 s after an example, inside the 5 s quiet period")
        }
        clock.advance(1)
        #expect(scheduler.shouldStart(), "5 s after the last example")
    }

    @Test("after a run both must hold: the minimum interval since it ended and the quiet period since the last example")
    func bothConditions() {
        let clock = SteppedClock()
        var scheduler = TrainingScheduler(schedule: Self.schedule(quiet: 5, minInterval: 60), clock: clock)
        scheduler.runStarted()
        scheduler.runEnded()
        clock.advance(58)
        scheduler.arrived(.examples)
        clock.advance(2)
        #expect(scheduler.hold() == .quiet, "60 s since the run, but only 2 s of quiet")
        clock.advance(3)
        #expect(scheduler.shouldStart(), "63 s since the run, 5 s of quiet")
        scheduler.runStarted()
        scheduler.runEnded()
        clock.advance(30)
        #expect(scheduler.hold() == .interval, "quiet, but only 30 s since the second run")
    }

    @Test("a reloaded schedule applies to the next decision (the loop sets it before each check)")
    func reloadedSchedule() {
        let clock = SteppedClock()
        var scheduler = TrainingScheduler(schedule: Self.schedule(quiet: 0, minInterval: 600), clock: clock)
        scheduler.runEnded()
        clock.advance(10)
        #expect(!scheduler.shouldStart())
        scheduler.schedule = Self.schedule(quiet: 0, minInterval: 10)
        #expect(scheduler.shouldStart())
    }

    // Steady traffic, replayed as the daemon loop drives the scheduler (Traffic below).

    @Test("the issue's traffic: requests at 50/s, an example every 20th (quiet 1 s, interval 20 s) → a run every max_delay, not never")
    func steadyRequestsAndExamples() {
        let traffic = Traffic(
            schedule: Self.schedule(quiet: 1, minInterval: 20, maxDelay: 30), requestsEvery: 0.02, examplesEvery: 0.4,
            runSeconds: 3)
        let starts = traffic.runStarts(duration: 120)
        // Examples 0.4 s apart never leave 1 s of quiet: the bound starts each run, 30 s after its first example.
        let expected = [30, 60.4, 90.8]
        #expect(
            starts.count == expected.count && zip(starts, expected).allSatisfy { abs($0 - $1) < 0.05 },
            "runs started at \(starts), expected \(expected)")
    }

    @Test("requests at 50/s between examples 2 s apart (quiet 1 s, interval 20 s): each run 1 s after an example once the interval is over")
    func requestsBetweenQuietExamples() {
        let traffic = Traffic(
            schedule: Self.schedule(quiet: 1, minInterval: 20, maxDelay: 60), requestsEvery: 0.02, examplesEvery: 2,
            runSeconds: 3)
        let starts = traffic.runStarts(duration: 120)
        // Run 1 at 1 s ends at 4 s; the interval ends at 24 s, an example arrives at 24 s, quiet at 25 s; and so on.
        let expected = [1, 25, 49, 73, 97, 121].filter { $0 <= 120 }.map(Double.init)
        #expect(
            starts.count == expected.count && zip(starts, expected).allSatisfy { abs($0 - $1) < 0.05 },
            "runs started at \(starts), expected \(expected)")
    }

    @Test("requests alone at 100/s do not hold a due run back: it starts once the examples before them are quiet")
    func requestsAloneDoNotHoldBack() {
        let traffic = Traffic(
            schedule: Self.schedule(quiet: 5, minInterval: 0, maxDelay: 600), requestsEvery: 0.01, examplesEvery: nil,
            runSeconds: 2, examplesAtStart: true)
        let starts = traffic.runStarts(duration: 60)
        #expect(starts.count == 1 && abs((starts.first ?? -1) - 5) < 0.05, "one run, 5 s after the examples: \(starts)")
    }

    @Test("examples at 2/s never leave a quiet period: each due run starts at the latest max_delay after its first example")
    func steadyExamplesAreBounded() {
        let traffic = Traffic(
            schedule: Self.schedule(quiet: 5, minInterval: 10, maxDelay: 15), requestsEvery: nil, examplesEvery: 0.5,
            runSeconds: 2)
        let starts = traffic.runStarts(duration: 120)
        // The first example at 0 → a run at 15; the next first example 0.5 s after that start → 30.5, and so on.
        let expected = stride(from: 15.0, through: 120, by: 15.5).map { $0 }
        #expect(
            starts.count == expected.count && zip(starts, expected).allSatisfy { abs($0 - $1) < 0.05 },
            "runs started at \(starts), expected \(expected)")
        #expect(Traffic.gaps(starts).allSatisfy { $0 <= 10 + 15 }, "a run in every min_interval + max_delay: \(starts)")
    }

    @Test("the bound does not override the minimum interval: examples at 2/s after a run wait for the interval's end")
    func boundRespectsInterval() {
        let clock = SteppedClock()
        var scheduler = TrainingScheduler(schedule: Self.schedule(quiet: 5, minInterval: 60, maxDelay: 5), clock: clock)
        scheduler.runStarted()
        scheduler.runEnded()
        var holds: [TrainingScheduler.Hold?] = []
        for _ in 0..<130 {
            scheduler.arrived(.examples)
            clock.advance(0.5)
            holds.append(scheduler.hold())
        }
        // 0.5 s … 59.5 s: the interval; from 60 s the bound (first example at 0 s) has long passed.
        #expect(holds.prefix(119).allSatisfy { $0 == .interval }, "\(holds.prefix(119))")
        #expect(holds.dropFirst(119).allSatisfy { $0 == nil }, "\(holds.dropFirst(119))")
    }

    @Test("a drop then silence still makes one run after the quiet period, well before the bound")
    func dropThenSilence() {
        let traffic = Traffic(
            schedule: Self.schedule(quiet: 5, minInterval: 0, maxDelay: 60), requestsEvery: 0.02, examplesEvery: 0.01,
            examplesUntil: 2, runSeconds: 1)
        let starts = traffic.runStarts(duration: 100)
        #expect(starts.count == 1 && abs((starts.first ?? -1) - 6.99) < 0.05, "one run, 5 s after the drop's last file: \(starts)")
    }
}
