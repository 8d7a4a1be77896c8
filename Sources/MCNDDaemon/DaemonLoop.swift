import Foundation
import Logging
import MCNDPipeline
import MCNDThreads

/// The daemon's state between events: what to scan, when to train, what to
/// tell systemd. Runs on one task; training runs on its own thread.
struct DaemonLoop {
    let pipeline: Pipeline
    let notifier: SystemdNotifier
    let logger: Logger
    let sink: AsyncStream<DaemonEvent>.Continuation
    let pending: PendingChanges
    let stop: StopFlag
    let polling: Bool

    var scheduler: TrainingScheduler
    private var timers: DaemonTimers
    private(set) var training = false
    private var complete: Set<RawPath> = []
    /// Files seen but not yet handled (unsettled, deferred): scan again soon.
    private var leftovers = false
    private var waitingForModel = false
    private var lastStatus = ""
    /// Another process holds the state's write lock: said once, then retried quietly.
    private(set) var stateBusy = false
    /// Why a due run waits, as last published (DaemonLoop+TrainingWait).
    var wait: TrainingWait?
    private var moveRetry = MoveRetry()
    let clock: any DaemonClock
    private let started: ContinuousClock.Instant

    /// Monotonic seconds since the loop started, for the move backoff.
    private var now: Double {
        let d = clock.monotonic() - started
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
    /// The metrics textfile is rewritten this often (and after each pass that changed something).
    static let metricsSeconds = 5.0
    private var lastMetrics = 0.0
    private var pendingFiles = 0

    init(
        pipeline: Pipeline, notifier: SystemdNotifier, logger: Logger, sink: AsyncStream<DaemonEvent>.Continuation,
        pending: PendingChanges, stop: StopFlag, polling: Bool, watchdog: Double?, clock: any DaemonClock = SystemClock()
    ) {
        self.pipeline = pipeline
        self.notifier = notifier
        self.logger = logger
        self.sink = sink
        self.pending = pending
        self.stop = stop
        self.polling = polling
        scheduler = TrainingScheduler(schedule: pipeline.configuration.schedule, clock: clock)
        timers = DaemonTimers(watchdog: watchdog, clock: clock)
        self.clock = clock
        started = clock.monotonic()
    }

    mutating func handle(_ event: DaemonEvent) throws {
        var rescan = false, swapped = false
        switch event {
        case .inboxChanged:
            let changes = pending.take()
            complete.formUnion(changes.complete)
            rescan = changes.rescan
            if changes.folderChanged { moveRetry.folderChanged(now: now) }
        case .tick:
            rescan = timers.rescanDue(watch: pipeline.configuration.watch, polling: polling, leftovers: leftovers)
            if timers.watchdogPingDue() { notifier.notify("WATCHDOG=1") }
            swapped = applyModelChanges()
        case .trainingFinished(let result):
            training = false
            switch result {
            case .success(let summary):
                scheduler.runEnded()
                logger.info("training finished: \(summary.outcome.rawValue)\(summary.reason.map { " (\($0))" } ?? "")")
            case .failure(let error) where error.isStateBusy:
                // Not a run: it starts again once the lock is free, without the minimum interval.
                reportBusy(error)
            case .failure(let error):
                scheduler.runEnded()
                logger.error("training failed: \(error)")
                pipeline.outbox.emit(.error) { $0.add("detail", "training failed: \(error)") }
            }
            // Requests that waited for a model can be answered now.
            if waitingForModel { rescan = true }
        case .reload, .shutdown:
            break
        }
        var changed = swapped
        if case .trainingFinished = event { changed = true }
        if rescan || !complete.isEmpty {
            try process(rescan: rescan)
            changed = true
        }
        if moveRetry.isDue(now: now, waiting: pipeline.waitingToMove) {
            try retryMoves(now: now)
            changed = true
        }
        if startTrainingIfDue() { changed = true }
        // Counting examples is a scan of a table; only when something changed.
        if changed { updateStatus() }
        if changed || now - lastMetrics >= Self.metricsSeconds {
            pipeline.writeMetricsLogging(pending: pendingFiles, wait: wait?.reason)
            lastMetrics = now
        }
    }

    /// One pass: scan (the whole inbox, or only the files inotify named),
    /// ingest, predict. Disk-full and permission errors are logged and retried
    /// on a later tick rather than ending the daemon.
    mutating func process(rescan: Bool) throws {
        let known = complete
        complete = []
        if rescan { timers.scanned() }
        do {
            // While the lock is held, a pass with nothing to write would not notice it is free.
            if stateBusy { try pipeline.store.checkWriteLock() }
            let scan = rescan ? pipeline.scan(complete: known, now: clock.wall()) : pipeline.scan(only: known)
            // Files inotify saw closed are complete as they are; the others may still be written.
            let inputs = try pipeline.newInputs(scan.entries)
            let ingest = try pipeline.ingest(inputs, closed: known)
            let predict = try pipeline.predict(inputs, closed: known)
            if ingest.examples > 0 { scheduler.arrived(.examples) }
            if predict.predicted > 0 { scheduler.arrived(.requests) }
            // A full scan sees everything and resets the flags; a pass over the
            // files inotify named only adds to them.
            let waiting = predict.waiting > 0 && pipeline.serving.current == nil
            let left = scan.unsettled > 0 || ingest.deferred > 0 || (predict.waiting > 0 && !waiting)
            waitingForModel = rescan ? waiting : (waitingForModel || waiting)
            leftovers = rescan ? left : (leftovers || left)
            if stateBusy {
                stateBusy = false
                logger.info("the state database is free again")
            }
            if rescan { pendingFiles = scan.unsettled + ingest.deferred + predict.waiting }
        } catch {
            if case .corruptState = error { throw error }
            if error.isStateBusy {
                reportBusy(error)
            } else {
                logger.error("\(error); retrying")
                pipeline.outbox.emit(.error) { $0.add("detail", error.description) }
            }
            leftovers = true
            complete.formUnion(known)
        }
    }

    /// Moves inputs that wait for their folder to become writable (see MoveRetry).
    mutating func retryMoves(now: Double) throws {
        moveRetry.tried(now: now)
        do { _ = try pipeline.retryWaitingMoves() } catch {
            if case .corruptState = error { throw error }
            logger.error("\(error); retrying")
            pipeline.outbox.emit(.error) { $0.add("detail", error.description) }
        }
    }

    /// Starts a run on its own thread (see OwnThread) when the schedule says so; true when it did.
    /// Otherwise publishes why a due run waits.
    mutating func startTrainingIfDue() -> Bool {
        scheduler.schedule = pipeline.configuration.schedule
        if training {
            noteWait(scheduler.examplesWaiting ? .training : nil)
            return false
        }
        let due = (try? pipeline.trainingIsDue()) ?? false
        let reason = due ? waitReason() : nil
        noteWait(reason)
        guard due, reason == nil, let job = try? pipeline.trainingJob(.ifDue, shouldStop: { [stop] in stop.isSet }) else { return false }
        scheduler.runStarted()
        training = true
        let sink = self.sink
        OwnThread.start("mcnd-training", stackSize: 8 << 20) {
            let result: Result<TrainingSummary, PipelineError>
            do throws(PipelineError) { result = .success(try job()) } catch { result = .failure(error) }
            sink.yield(.trainingFinished(result))
        }
        return true
    }

    /// The first busy error of a spell is logged (and written as an `error`
    /// event); the retries every half second are not.
    private mutating func reportBusy(_ error: PipelineError) {
        leftovers = true
        guard !stateBusy else { return }
        stateBusy = true
        logger.warning("\(error); waiting for it, retrying every half second")
        pipeline.outbox.emit(.error) { $0.add("detail", error.description) }
    }

    mutating func updateStatus(force: Bool = false) {
        guard notifier.isActive else { return }
        let model = pipeline.serving.current.map { "model \($0.version)" } ?? "no model yet"
        let examples = (try? pipeline.store.exampleCount()) ?? 0
        let status =
            "\(model), \(examples) examples, \(training ? "training" : "idle")\(waitingForModel ? ", waiting for a model" : "")"
            + (stateBusy ? ", waiting for the state database (another process holds a write lock)" : "")
        guard force || status != lastStatus else { return }
        lastStatus = status
        notifier.notify("STATUS=\(status)")
    }
}
