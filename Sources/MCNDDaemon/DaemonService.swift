import Foundation
import Logging
import MCNDPipeline
import MCNDThreads
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `mcnd` without `--once`: the pipeline driven by inotify (or polling), with
/// training on its own thread so predictions keep flowing, systemd
/// notifications, SIGHUP reload and graceful shutdown.
public struct DaemonService: Service {
    let root: String
    let loadConfiguration: @Sendable () async throws -> MCNDConfiguration
    let logger: Logger
    let environment: [String: String]
    let clock: any DaemonClock

    /// `clock`: the daemon's clocks; tests pass one whose wall clock is stepped.
    public init(
        root: String, environment: [String: String], logger: Logger, clock: any DaemonClock = SystemClock(),
        loadConfiguration: @escaping @Sendable () async throws -> MCNDConfiguration
    ) {
        self.root = root
        self.clock = clock
        self.environment = environment
        self.logger = logger
        self.loadConfiguration = loadConfiguration
    }

    /// The longest the daemon blocks on another process's write lock at a time
    /// (then it retries): its loop must keep pinging the watchdog.
    static let longestBusyWait = 2.0

    public func run() async throws {
        let notifier = SystemdNotifier(environment: environment)
        let configuration = try await loadConfiguration()
        guard let pipeline = try open(configuration, notifier) else { return }
        let (events, sink) = AsyncStream<DaemonEvent>.makeStream()
        let stop = StopFlag()
        let pending = PendingChanges()
        let watch = try startWatching(pipeline, pending: pending, sink: sink, stop: stop)
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                sink.yield(.tick)
            }
        }
        let hangups = Task {
            for await _ in await UnixSignalsSequence(trapping: .sighup) { sink.yield(.reload) }
        }
        defer {
            ticker.cancel()
            hangups.cancel()
            stop.set()
        }

        var loop = DaemonLoop(
            pipeline: pipeline, notifier: notifier, logger: logger, sink: sink, pending: pending, stop: stop,
            polling: watch == .poll, watchdog: SystemdNotifier.watchdogInterval(environment: environment), clock: clock)
        pipeline.outbox.emit(.started) { line in
            line.add("pid", Int(getpid()))
            line.add("watch", watch.rawValue)
            line.add("model_version", pipeline.serving.current.map { $0.version })
        }
        try loop.process(rescan: true)
        notifier.notify("READY=1")
        loop.updateStatus(force: true)
        logger.info("mcnd is watching \(pipeline.layout.inbox) (\(watch.rawValue))")

        try await withGracefulShutdownHandler {
            for await event in events {
                if case .shutdown = event { break }
                if case .reload = event {
                    await reload(pipeline)
                    continue
                }
                try loop.handle(event)
            }
        } onGracefulShutdown: {
            sink.yield(.shutdown)
        }
        // Finish what is in hand: a running training run stops at its epoch's end.
        stop.set()
        notifier.notify("STOPPING=1")
        if loop.training {
            for await event in events {
                if case .trainingFinished = event { break }
            }
        }
        // Nothing is scheduled once the daemon is gone.
        loop.noteWait(nil)
        pipeline.outbox.emit(.stopped) { $0.add("pid", Int(getpid())) }
        pipeline.close()
        logger.info("mcnd stopped")
    }

    /// Opens the root; while another process holds the state's write lock it
    /// waits (keeping the root's lock), says so once, and tells systemd the
    /// start takes longer, rather than exiting. Nil when asked to stop meanwhile.
    private func open(_ configuration: MCNDConfiguration, _ notifier: SystemdNotifier) throws(PipelineError) -> Pipeline? {
        var said = false
        func stopping() -> Bool { Task.isShuttingDownGracefully || Task.isCancelled }
        do {
            return try Pipeline(
                root: root, configuration: configuration, logger: logger,
                busyTimeout: min(configuration.stateBusyTimeoutSeconds, Self.longestBusyWait)
            ) { error in
                if stopping() { return false }
                if !said {
                    said = true
                    logger.warning("\(error); waiting for it before starting")
                    notifier.notify("STATUS=waiting for the state database (another process holds a write lock)")
                }
                notifier.notify("EXTEND_TIMEOUT_USEC=10000000")
                usleep(500_000)
                return true
            }
        } catch {
            if error.isStateBusy && stopping() { return nil }
            throw error
        }
    }

    private func reload(_ pipeline: Pipeline) async {
        do {
            pipeline.configuration = try await loadConfiguration()
            try pipeline.outbox.reopen()
            pipeline.outbox.emit(.reloaded)
            logger.info("configuration reloaded, outbox files reopened")
        } catch {
            logger.error("reload failed, keeping the previous configuration: \(error)")
            pipeline.outbox.emit(.error) { $0.add("detail", "reload failed: \(error)") }
        }
    }

    enum WatchMode: String { case inotify, poll }

    /// Starts the inotify thread (see OwnThread for why a thread), or settles for polling when configured, on a
    /// network file system, or when inotify is unavailable.
    private func startWatching(
        _ pipeline: Pipeline, pending: PendingChanges, sink: AsyncStream<DaemonEvent>.Continuation,
        stop: StopFlag
    ) throws -> WatchMode {
        let settings = pipeline.configuration.watch
        if settings.mode == .poll || (settings.mode == .auto && FileSystemKind.isNetwork(pipeline.layout.inbox)) { return .poll }
        let watcher: InboxWatcher
        do { watcher = try InboxWatcher(root: pipeline.root, inbox: pipeline.layout.inbox) } catch {
            if settings.mode == .inotify { throw error }
            logger.warning("inotify is not available (\(error)); polling every \(settings.pollSeconds) s")
            return .poll
        }
        OwnThread.start("mcnd-inotify") {
            while !stop.isSet {
                do {
                    let changes = try watcher.wait(timeout: 0.2)
                    if pending.add(changes) { sink.yield(.inboxChanged) }
                } catch {
                    if pending.add([.rescan]) { sink.yield(.inboxChanged) }
                    sleep(1)
                }
            }
        }
        return .inotify
    }
}

/// Set once to ask the watcher thread and a training run to stop.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
