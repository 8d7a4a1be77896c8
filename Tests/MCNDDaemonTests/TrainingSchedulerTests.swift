import MCNDDaemon
import MCNDPipeline
import Testing

/// When the daemon may start a run, on a clock the test moves (no waiting).
@Suite("Training scheduler") struct TrainingSchedulerTests {
    static func schedule(quiet: Double, minInterval: Double) -> TrainingSchedule {
        var schedule = TrainingSchedule()
        schedule.quietSeconds = quiet
        schedule.minIntervalSeconds = minInterval
        return schedule
    }

    @Test("the first run may start at once: no run has ended and the inbox has not changed")
    func firstRunAtOnce() {
        let scheduler = TrainingScheduler(schedule: Self.schedule(quiet: 5, minInterval: 600), clock: SteppedClock())
        #expect(scheduler.shouldStart())
    }

    @Test("each change restarts the quiet period: a steady trickle of files holds the run back until it stops")
    func trickleHoldsTheRunBack() {
        let clock = SteppedClock()
        var scheduler = TrainingScheduler(schedule: Self.schedule(quiet: 5, minInterval: 0), clock: clock)
        for _ in 0..<10 {
            scheduler.inboxChanged()
            clock.advance(4)
            #expect(!scheduler.shouldStart(), "4 s after a change, inside the 5 s quiet period")
        }
        clock.advance(1)
        #expect(scheduler.shouldStart(), "5 s after the last change")
    }

    @Test("after a run both must hold: the minimum interval since it ended and the quiet period since the last change")
    func bothConditions() {
        let clock = SteppedClock()
        var scheduler = TrainingScheduler(schedule: Self.schedule(quiet: 5, minInterval: 60), clock: clock)
        scheduler.runEnded()
        clock.advance(58)
        scheduler.inboxChanged()
        clock.advance(2)
        #expect(!scheduler.shouldStart(), "60 s since the run, but only 2 s of quiet")
        clock.advance(3)
        #expect(scheduler.shouldStart(), "63 s since the run, 5 s of quiet")
        scheduler.runEnded()
        clock.advance(30)
        #expect(!scheduler.shouldStart(), "quiet, but only 30 s since the second run")
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
}
