import Foundation
import Logging
import MCNDPipeline

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
    let watchdog: Double?

    var scheduler: TrainingScheduler
    private(set) var training = false
    private var complete: Set<RawPath> = []
    private var lastScan = 0.0
    private var lastFullScan = 0.0
    private var lastPing = 0.0
    /// Files seen but not yet handled (unsettled, deferred): scan again soon.
    private var leftovers = false
    private var waitingForModel = false
    private var lastStatus = ""
    /// The metrics textfile is rewritten this often (and after each pass that changed something).
    static let metricsSeconds = 5.0
    private var lastMetrics = 0.0
    private var pendingFiles = 0

    init(pipeline: Pipeline, notifier: SystemdNotifier, logger: Logger, sink: AsyncStream<DaemonEvent>.Continuation,
         pending: PendingChanges, stop: StopFlag, polling: Bool, watchdog: Double?) {
        self.pipeline = pipeline; self.notifier = notifier; self.logger = logger; self.sink = sink; self.pending = pending
        self.stop = stop; self.polling = polling; self.watchdog = watchdog
        scheduler = TrainingScheduler(schedule: pipeline.configuration.schedule)
    }

    mutating func handle(_ event: DaemonEvent) throws {
        let now = Timestamp.seconds()
        var rescan = false
        switch event {
        case .inboxChanged:
            scheduler.lastActivity = now
            let changes = pending.take()
            complete.formUnion(changes.complete)
            rescan = changes.rescan
        case .tick:
            let watch = pipeline.configuration.watch
            if polling && now - lastScan >= watch.pollSeconds { rescan = true }
            if now - lastFullScan >= watch.rescanSeconds { rescan = true }
            if leftovers && now - lastScan >= 0.5 { rescan = true }
            if let watchdog, now - lastPing >= watchdog / 2 {
                notifier.notify("WATCHDOG=1")
                lastPing = now
            }
        case .trainingFinished(let result):
            training = false
            scheduler.lastRunEnded = now
            switch result {
            case .success(let summary):
                logger.info("training finished: \(summary.outcome.rawValue)\(summary.reason.map { " (\($0))" } ?? "")")
            case .failure(let error):
                logger.error("training failed: \(error)")
                pipeline.emit("error") { $0.add("detail", "training failed: \(error)") }
            }
            // Requests that waited for a model can be answered now.
            if waitingForModel { rescan = true }
        case .reload, .shutdown:
            break
        }
        var changed = false
        if case .trainingFinished = event { changed = true }
        if rescan || !complete.isEmpty { try process(rescan: rescan); changed = true }
        if startTrainingIfDue(now: now) { changed = true }
        // Counting examples is a scan of a table; only when something changed.
        if changed { updateStatus() }
        if changed || now - lastMetrics >= Self.metricsSeconds {
            pipeline.writeMetricsLogging(pending: pendingFiles)
            lastMetrics = now
        }
    }

    /// One pass: scan (the whole inbox, or only the files inotify named),
    /// ingest, predict. Disk-full and permission errors are logged and retried
    /// on a later tick rather than ending the daemon.
    mutating func process(rescan: Bool) throws {
        let now = Timestamp.seconds()
        let known = complete
        complete = []
        if rescan { lastFullScan = now; lastScan = now }
        do {
            let scan = rescan ? pipeline.scan(complete: known) : pipeline.scan(only: known)
            let ingest = try pipeline.ingest(scan.entries)
            let predict = try pipeline.predict(scan.entries)
            if ingest.examples > 0 { scheduler.lastActivity = now }
            // A full scan sees everything and resets the flags; a pass over the
            // files inotify named only adds to them.
            let waiting = predict.waiting > 0 && pipeline.servingModel == nil
            let left = scan.unsettled > 0 || ingest.deferred > 0 || (predict.waiting > 0 && !waiting)
            waitingForModel = rescan ? waiting : (waitingForModel || waiting)
            leftovers = rescan ? left : (leftovers || left)
            if rescan { pendingFiles = scan.unsettled + ingest.deferred + predict.waiting }
        } catch {
            if case .corruptState = error { throw error }
            logger.error("\(error); retrying")
            pipeline.emit("error") { $0.add("detail", error.description) }
            leftovers = true
            complete.formUnion(known)
        }
    }

    /// Starts a run on its own thread when the schedule says so; true when it did.
    mutating func startTrainingIfDue(now: Double) -> Bool {
        scheduler.schedule = pipeline.configuration.schedule
        guard !training, scheduler.shouldStart(now: now, due: true, running: false),
              (try? pipeline.trainingIsDue()) ?? false,
              let job = pipeline.trainingJob(.ifDue, shouldStop: { [stop] in stop.isSet }) else { return false }
        training = true
        let sink = self.sink
        let thread = Thread {
            let result: Result<TrainingSummary, PipelineError>
            do throws(PipelineError) { result = .success(try job()) } catch { result = .failure(error) }
            sink.yield(.trainingFinished(result))
        }
        thread.name = "mcnd-training"
        thread.stackSize = 8 << 20
        thread.start()
        return true
    }

    mutating func updateStatus(force: Bool = false) {
        guard notifier.isActive else { return }
        let model = pipeline.servingModel.map { "model \($0.version)" } ?? "no model yet"
        let examples = (try? pipeline.store.exampleCount()) ?? 0
        let status = "\(model), \(examples) examples, \(training ? "training" : "idle")\(waitingForModel ? ", waiting for a model" : "")"
        guard force || status != lastStatus else { return }
        lastStatus = status
        notifier.notify("STATUS=\(status)")
    }
}
