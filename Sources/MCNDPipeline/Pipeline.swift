import Logging
import MCNDFileSystem
import MCNDModel

/// The pipeline over one root: inbox → state → training → outbox. `mcnd --once`,
/// the daemon and the tests all drive it through these methods. Holding a
/// Pipeline holds the root's lock.
public final class Pipeline {
    public let layout: RootLayout
    let lock: RootLock
    let context: PipelineContext

    public struct OnceSummary: Sendable, Equatable {
        public var ingest = IngestSummary()
        public var training = TrainingSummary()
        public var predict = PredictSummary()
        /// Files seen but not settled yet (left for the next pass).
        public var unsettled = 0
        /// Inputs whose outcome is recorded but that wait to be moved, per folder.
        public var waitingToMove: [String: Int] = [:]
    }

    /// Opens `root`: creates missing folders, takes the lock (or fails with
    /// `.rootBusy` touching nothing), opens the state and completes whatever a
    /// crash left half done. While another process holds the state's write
    /// lock, each statement waits `busyTimeout` (default
    /// `state.busy_timeout_seconds`); then `whileBusy` decides: true tries
    /// again (the daemon, holding the root's lock meanwhile), false gives up
    /// with `.stateBusy`.
    public init(root: String, configuration: MCNDConfiguration, logger: Logger, busyTimeout: Double? = nil,
                whileBusy: (PipelineError) -> Bool = { _ in false }) throws(PipelineError) {
        BLASThreads.useOne()
        layout = RootLayout(root: root)
        let directory = try layout.open()
        try layout.create(in: directory)
        lock = try RootLock(layout: layout, root: directory)
        logger.info("math: \(TrainingPrecision.cpuDescription); train.precision \(configuration.training.precision.rawValue) trains in \(configuration.training.precision.resolved.rawValue)")
        context = try Self.open(layout, directory, configuration, logger, busyTimeout: busyTimeout ?? configuration.stateBusyTimeoutSeconds,
                                whileBusy: whileBusy)
        try applyModelChanges()
    }

    private static func open(_ layout: RootLayout, _ root: Directory, _ configuration: MCNDConfiguration, _ logger: Logger,
                             busyTimeout: Double, whileBusy: (PipelineError) -> Bool) throws(PipelineError) -> PipelineContext {
        while true {
            do {
                let store = try StateStore(layout: layout, root: root, busyTimeout: busyTimeout)
                let context = try PipelineContext(layout: layout, root: root, configuration: configuration, store: store, logger: logger)
                try context.writer.recover()
                try store.closeInterruptedRuns()
                return context
            } catch {
                guard case .stateBusy = error, whileBusy(error) else { throw error }
            }
        }
    }

    public var configuration: MCNDConfiguration {
        get { context.configuration }
        set { context.configuration = newValue }
    }

    /// The model answering predictions.
    public var servingModel: ModelFile? { context.serving }
    public var store: StateStore { context.store }
    /// The root folder, opened once; every name is resolved beneath it.
    public var root: Directory { context.root }

    /// Ingest everything complete, train if due (or as asked), predict everything pending.
    public func once(train request: TrainRequest = .ifDue) throws(PipelineError) -> OnceSummary {
        var summary = OnceSummary()
        let scan = self.scan()
        summary.unsettled = scan.unsettled
        summary.ingest = try ingest(scan.entries)
        summary.training = try train(request)
        summary.predict = try predict(scan.entries)
        summary.waitingToMove = context.writer.waiting.perFolder
        writeMetricsLogging(pending: summary.pending)
        return summary
    }

    public enum TrainRequest: Sendable { case ifDue, always, full, never }

    public func scan(complete: Set<RawPath> = []) -> InboxScanner.Scan {
        let scan = InboxScanner(root: context.root, settleSeconds: context.configuration.settleSeconds).scan(complete: complete)
        for (path, code) in scan.unreadable {
            context.logger.error("cannot list \(path): \(code)")
        }
        return scan
    }

    /// Only the given files (relative to inbox/), known to be complete.
    public func scan(only paths: Set<RawPath>) -> InboxScanner.Scan {
        InboxScanner(root: context.root, settleSeconds: context.configuration.settleSeconds).entries(for: paths)
    }

    /// `closed`: files known to be complete (the daemon's inotify events), relative to inbox/.
    public func ingest(_ entries: [InboxEntry], closed: Set<RawPath> = []) throws(PipelineError) -> IngestSummary {
        try IngestStage(context: context, closed: closed).run(try context.writer.undecided(entries))
    }

    public func train(_ request: TrainRequest) throws(PipelineError) -> TrainingSummary {
        try trainingJob(request)?() ?? TrainingSummary(reason: "training not requested")
    }

    /// The training of `request` as a job that may run on another thread
    /// while this pipeline keeps ingesting and predicting with the serving
    /// model; the job swaps in the promoted model when it finishes.
    public func trainingJob(_ request: TrainRequest, shouldStop: @escaping @Sendable () -> Bool = { false })
        -> (@Sendable () throws(PipelineError) -> TrainingSummary)? {
        let stage = TrainingStage(context: context, configuration: context.configuration)
        switch request {
        case .never: return nil
        case .ifDue: return { () throws(PipelineError) in try stage.run(.ifDue, shouldStop: shouldStop) }
        case .always: return { () throws(PipelineError) in try stage.run(.always, shouldStop: shouldStop) }
        case .full: return { () throws(PipelineError) in try stage.run(.full, shouldStop: shouldStop) }
        }
    }

    /// True when labeled examples arrived since the last completed run (or
    /// there is no model yet and there are examples).
    public func trainingIsDue() throws(PipelineError) -> Bool {
        let newest = try context.store.newestExampleId()
        guard newest > 0 else { return false }
        guard let last = try context.store.lastRun(), context.serving != nil else { return true }
        return last.lastExampleId < newest
    }

    /// Re-scores the review queue first when a newer model serves (RescoreStage).
    public func predict(_ entries: [InboxEntry], closed: Set<RawPath> = []) throws(PipelineError) -> PredictSummary {
        let rescored = try RescoreStage(context: context).run()
        var summary = try PredictStage(context: context, closed: closed).run(try context.writer.undecided(entries))
        summary.rescored = rescored
        return summary
    }

    /// Inputs whose outcome is recorded but whose folder mcnd may not change: they wait to be moved.
    public var waitingToMove: Int { context.writer.waiting.count }

    /// Tries those moves again; returns how many still wait.
    public func retryWaitingMoves() throws(PipelineError) -> Int { try context.writer.retryWaiting() }

    /// Appends an event line (`started`, `stopped`, …).
    public func emit(_ event: String, _ fill: (inout JSONLine) -> Void = { _ in }) {
        context.emit(event, fill)
    }

    /// `mcnd rebuild`: moves an unusable state database aside and recreates the
    /// dataset from archive/labeled/ (and the serving model from state/models/).
    /// Takes the root's lock like any other writer.
    public static func rebuild(root: String, configuration: MCNDConfiguration, logger: Logger) throws(PipelineError) -> RebuildSummary {
        let layout = RootLayout(root: root)
        let directory = try layout.open()
        try layout.create(in: directory)
        let lock = try RootLock(layout: layout, root: directory)
        defer { withExtendedLifetime(lock) {} }
        return try RebuildStage.run(layout: layout, root: directory, configuration: configuration, logger: logger)
    }

    /// Reopens the outbox files (after logrotate moved them).
    public func reopenOutbox() throws(PipelineError) {
        try context.predictions.reopen()
        try context.losses.reopen()
        try context.events.reopen()
        try context.rescored.reopen()
    }
}
