import Logging
import MCNDFileSystem
import MCNDModel

/// The pipeline over one root: inbox → state → training → outbox. `mcnd --once`,
/// the daemon and the tests all drive it through these methods. Holding a
/// Pipeline holds the root's lock. Each pass takes the configuration as it is
/// when the pass starts (a value): a reload hands the next pass a new one.
public final class Pipeline {
    public let layout: RootLayout
    let lock: RootLock
    /// The root folder, opened once; every name is resolved beneath it.
    public let root: Directory
    public let store: StateStore
    public let outbox: Outbox
    /// The model answering predictions (swapped whole by a promotion or a pin).
    public let serving: ServingModel
    let journal: Journal
    let logger: Logger
    /// What the next pass runs with; only the pipeline's owner changes it.
    public var configuration: MCNDConfiguration
    /// The input shape the examples chose (`input.*: auto`), once known.
    private var chosenInput: InputShape?

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
    public init(
        root: String, configuration: MCNDConfiguration, logger: Logger, busyTimeout: Double? = nil,
        whileBusy: (PipelineError) -> Bool = { _ in false }
    ) throws(PipelineError) {
        BLASThreads.useOne()
        layout = RootLayout(root: root)
        let directory = try layout.open()
        try layout.create(in: directory)
        lock = try RootLock(layout: layout, root: directory)
        logger.info(
            "math: \(TrainingPrecision.cpuDescription); train.precision \(configuration.training.precision.rawValue) trains in \(configuration.training.precision.resolved.rawValue)"
        )
        self.root = directory
        self.configuration = configuration
        self.logger = logger
        (store, outbox, journal, serving) = try Self.open(
            layout, directory, logger, busyTimeout: busyTimeout ?? configuration.stateBusyTimeoutSeconds,
            whileBusy: whileBusy)
        try applyModelChanges()
    }

    /// The state first (a damaged or busy database is the error to report), then the outbox and the journal.
    private static func open(
        _ layout: RootLayout, _ root: Directory, _ logger: Logger, busyTimeout: Double,
        whileBusy: (PipelineError) -> Bool
    ) throws(PipelineError) -> (StateStore, Outbox, Journal, ServingModel) {
        while true {
            do {
                let store = try StateStore(layout: layout, root: root, busyTimeout: busyTimeout, holdingRoot: true)
                switch store.openCheck {
                case .full(let reason)?: logger.info("state: checked every page (\(reason.rawValue))")
                case .small?, nil: logger.info("state: checked the header and the small tables (clean stop)")
                }
                let outbox = try Outbox(root: root, logger: logger)
                let journal = try Journal(root: root, store: store, outbox: outbox, logger: logger)
                let serving = ServingModel(try store.servingModel())
                try journal.recover()
                try PendingLines(root: root, store: store, outbox: outbox, logger: logger).recover()
                try store.closeInterruptedRuns()
                return (store, outbox, journal, serving)
            } catch {
                guard case .stateBusy = error, whileBusy(error) else { throw error }
            }
        }
    }

    /// The holder stops cleanly: the state records it, so that the next open
    /// checks the small tables only (StateCheck). Not called on an error's way out.
    public func close() {
        if !store.recordCleanStop() { logger.info("state: no clean stop recorded; the next start checks every page") }
    }

    /// Ingest everything complete, train if due (or as asked), predict everything pending.
    public func once(train request: TrainRequest = .ifDue) throws(PipelineError) -> OnceSummary {
        var configuration = self.configuration
        var summary = OnceSummary()
        let scan = self.scan(configuration)
        summary.unsettled = scan.unsettled
        let inputs = try newInputs(scan.entries)
        configuration = try resolvingInput(configuration, choosingFrom: inputs.examples)
        summary.ingest = try ingestStage(configuration).run(inputs)
        summary.training = try trainingStage(configuration).run(request)
        summary.predict = try predict(inputs, configuration)
        summary.waitingToMove = journal.waiting.perFolder
        writeMetricsLogging(pending: summary.pending)
        return summary
    }

    /// What training a pass asks for: `ifDue` trains when labeled examples
    /// arrived since the last run, `always` trains now, `full` trains from scratch.
    public enum TrainRequest: Sendable { case ifDue, always, full, never }

    /// `now`: the wall clock the settle time is measured on against the files' change times.
    public func scan(complete: Set<RawPath> = [], now: Double = Timestamp.seconds()) -> InboxScanner.Scan {
        scan(configuration, complete: complete, now: now)
    }

    private func scan(
        _ configuration: MCNDConfiguration, complete: Set<RawPath> = [], now: Double = Timestamp.seconds()
    ) -> InboxScanner.Scan {
        let scan = InboxScanner(root: root, settleSeconds: configuration.settleSeconds).scan(now: now, complete: complete)
        for (path, code) in scan.unreadable {
            logger.error("cannot list \(path): \(code)")
        }
        return scan
    }

    /// Only the given files (relative to inbox/), known to be complete.
    public func scan(only paths: Set<RawPath>) -> InboxScanner.Scan {
        InboxScanner(root: root, settleSeconds: configuration.settleSeconds).entries(for: paths)
    }

    /// Which of a scan's entries are new, decided once for the pass: the
    /// inputs whose outcome is recorded (and wait to be moved) are left out.
    public func newInputs(_ entries: [InboxEntry]) throws(PipelineError) -> NewInputs {
        NewInputs(try journal.undecided(entries))
    }

    /// `closed`: files known to be complete (the daemon's inotify events), relative to inbox/.
    public func ingest(_ inputs: NewInputs, closed: Set<RawPath> = []) throws(PipelineError) -> IngestSummary {
        try ingestStage(try resolvingInput(configuration, choosingFrom: inputs.examples), closed: closed).run(inputs)
    }

    public func train(_ request: TrainRequest) throws(PipelineError) -> TrainingSummary {
        try trainingStage(try resolvingInput(configuration)).run(request)
    }

    /// `input.*: auto` resolved (InputShapeResolution); `entries` may choose the shape.
    /// Once known it is kept: only `mcnd rebuild`, which takes the root's lock, chooses again.
    private func resolvingInput(
        _ c: MCNDConfiguration, choosingFrom entries: [InboxEntry] = []
    ) throws(PipelineError)
        -> MCNDConfiguration
    {
        if chosenInput == nil {
            chosenInput = try InputShapeResolution.shape(
                for: c, store: store, root: root, folder: RootLayout.Folder.inbox.name, entries: entries, logger: logger)
        }
        return InputShapeResolution.applying(chosenInput, to: c)
    }

    /// The training of `request` as a job that may run on another thread
    /// while this pipeline keeps ingesting and predicting with the serving
    /// model; the job swaps in the promoted model when it finishes. It keeps
    /// the configuration of now: a reload during the run does not change it.
    public func trainingJob(
        _ request: TrainRequest, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) throws(PipelineError)
        -> (@Sendable () throws(PipelineError) -> TrainingSummary)?
    {
        guard request != .never else { return nil }
        let stage = trainingStage(try resolvingInput(configuration))
        return { () throws(PipelineError) in try stage.run(request, shouldStop: shouldStop) }
    }

    /// True when labeled examples arrived since the last completed run (or
    /// there is no model yet and there are examples).
    public func trainingIsDue() throws(PipelineError) -> Bool { try trainingStage(try resolvingInput(configuration)).isDue() }

    /// Re-scores the review queue first when a newer model serves (RescoreStage).
    public func predict(_ inputs: NewInputs, closed: Set<RawPath> = []) throws(PipelineError) -> PredictSummary {
        try predict(inputs, configuration, closed: closed)
    }

    private func predict(
        _ inputs: NewInputs, _ configuration: MCNDConfiguration, closed: Set<RawPath> = []
    ) throws(PipelineError)
        -> PredictSummary
    {
        let rescored = try RescoreStage(root: root, store: store, journal: journal, serving: serving.current, configuration: configuration)
            .run()
        let stage = PredictStage(
            root: root, layout: layout, store: store, journal: journal, outbox: outbox, model: serving.current,
            configuration: configuration, logger: logger, closed: closed)
        var summary = try stage.run(inputs)
        summary.rescored = rescored
        return summary
    }

    /// Inputs whose outcome is recorded but whose folder mcnd may not change: they wait to be moved.
    public var waitingToMove: Int { journal.waiting.count }

    /// Tries those moves again; returns how many still wait.
    public func retryWaitingMoves() throws(PipelineError) -> Int { try journal.retryWaiting() }

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

    private func ingestStage(_ configuration: MCNDConfiguration, closed: Set<RawPath> = []) -> IngestStage {
        IngestStage(
            root: root, layout: layout, store: store, journal: journal, outbox: outbox, configuration: configuration,
            logger: logger, closed: closed)
    }

    private func trainingStage(_ configuration: MCNDConfiguration) -> TrainingStage {
        TrainingStage(
            root: root, layout: layout, store: store, outbox: outbox, serving: serving, configuration: configuration, logger: logger)
    }
}
