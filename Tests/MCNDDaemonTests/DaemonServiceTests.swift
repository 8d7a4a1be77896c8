import Foundation
import Logging
import MCNDDaemon
import MCNDPipeline
import MCNDTestSupport
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// The daemon service in this process, on a temporary root, started and stopped
/// the way `mcnd` does it (a ServiceGroup) and through the lifecycle's test kit.
@Suite("Daemon service", .serialized) struct DaemonServiceTests {
    static let logger = Logger(label: "mcnd-test") { _ in SwiftLogNoOpLogHandler() }

    /// A configuration that trains a tiny model at once and answers requests without review.
    static var configuration: MCNDConfiguration {
        var configuration = MCNDConfiguration()
        configuration.settleSeconds = 0
        configuration.incompleteGraceSeconds = 0
        configuration.training.epochs = 2
        configuration.recipe.minSteps = 0
        configuration.recipe.crossValidationBelow = 0
        configuration.recipe.refitBelow = 0
        configuration.training.units = 16
        configuration.schedule.quietSeconds = 0
        configuration.schedule.minIntervalSeconds = 0
        configuration.review.targetPrecision = 0
        configuration.watch.mode = .inotify
        return configuration
    }

    static func service(_ root: String) -> DaemonService {
        DaemonService(root: root, environment: [:], logger: logger) { configuration }
    }

    /// Whether another holder could take the root's lock now (the service holds it while it runs).
    static func lockIsFree(_ root: String) -> Bool {
        let layout = RootLayout(root: root)
        guard let directory = try? layout.open() else { return false }
        return (try? RootLock(layout: layout, root: directory)) != nil
    }

    static func events(_ root: String) -> [String] {
        JSONLines.completeObjects(root + "/outbox/events.jsonl").compactMap { $0["event"] as? String }
    }

    /// Whether query.png has its prediction line and has left the inbox.
    static func answered(_ root: String) -> Bool {
        predictedFiles(root).contains("query.png") && !Files.exists(root + "/inbox/query.png")
    }

    static func predictedFiles(_ root: String) -> [String] {
        JSONLines.completeObjects(root + "/outbox/predictions.jsonl").compactMap { $0["file"] as? String }
    }

    @Test(
        "ServiceGroup: labeled PNGs and a request in, a model trained, the request's prediction line out; graceful shutdown returns and frees the lock"
    )
    func serviceGroupPredictsAndShutsDown() async throws {
        let scratch = try Scratch("service-group")
        let root = scratch.path + "/root"
        try Files.makeFolder(root)
        let group = ServiceGroup(configuration: .init(services: [.init(service: Self.service(root))], logger: Self.logger))
        let running = Task { try await group.run() }
        #expect(try await eventually(timeout: 30) { Self.events(root).contains("started") }, "started: \(Self.events(root))")
        #expect(!Self.lockIsFree(root), "the running service holds the root's lock")

        let split = try Fashion.trainSplit()
        for index in split.stratified(perClass: 20, classes: [0, 1]) {
            try Files.drop(try split.png(index), into: root + "/inbox", as: "\(Fashion.name(split.label(index)))/\(index).png")
        }
        try Files.drop(try split.png(split.stratified(perClass: 1, classes: [1], skip: 500)[0]), into: root + "/inbox", as: "query.png")
        let answered = try await eventually(timeout: 180) { Self.answered(root) }
        // Checked again after the wait, so that a wait that said yes too early fails here.
        #expect(
            answered && Self.answered(root),
            "query.png predicted and moved: \(Self.predictedFiles(root)), events \(Self.events(root))")

        await group.triggerGracefulShutdown()
        try await running.value
        #expect(Self.events(root).last == "stopped", "\(Self.events(root))")
        #expect(Self.lockIsFree(root), "the lock is released once the service has returned")
        #expect(
            Files.regularFiles(under: root + "/inbox").isEmpty, "every input has its outcome: \(Files.regularFiles(under: root + "/inbox"))"
        )
    }

    @Test("the test kit's graceful shutdown: the service started on an empty root returns cleanly, says `stopped`, frees the lock")
    func gracefulShutdownOnAnEmptyRoot() async throws {
        let scratch = try Scratch("service-testkit")
        let root = scratch.path + "/root"
        try Files.makeFolder(root)
        let service = Self.service(root)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await service.run() }
                #expect(try await eventually(timeout: 30) { Self.events(root).contains("started") }, "started: \(Self.events(root))")
                trigger.triggerGracefulShutdown()
                try await tasks.next()
            }
        }
        #expect(Self.events(root) == ["started", "stopped"], "\(Self.events(root))")
        #expect(Self.lockIsFree(root))
    }

    @Test("cancelling the ServiceGroup's task: the service ends its loop, says `stopped` and frees the lock")
    func cancellation() async throws {
        let scratch = try Scratch("service-cancel")
        let root = scratch.path + "/root"
        try Files.makeFolder(root)
        let group = ServiceGroup(configuration: .init(services: [.init(service: Self.service(root))], logger: Self.logger))
        let running = Task { try await group.run() }
        #expect(try await eventually(timeout: 30) { Self.events(root).contains("started") }, "started: \(Self.events(root))")
        running.cancel()
        // Either a clean return or the group's CancellationError: what matters is that it returns.
        _ = await running.result
        #expect(Self.events(root) == ["started", "stopped"], "\(Self.events(root))")
        #expect(Self.lockIsFree(root))
    }

    /// The system's monotonic clock and its wall clock moved by `offset` seconds, as after an NTP step.
    struct ShiftedWallClock: DaemonClock {
        let offset: Double
        func monotonic() -> ContinuousClock.Instant { .now }
        func wall() -> Double { SystemClock().wall() + offset }
    }

    @Test("the daemon's wall-clock facts come from its clock: a day's step back shows in training-wait.json's `since`")
    func wallClockFromTheDaemonsClock() async throws {
        let scratch = try Scratch("service-wall")
        let root = scratch.path + "/root"
        try Files.makeFolder(root)
        let day = 86_400.0
        let service = DaemonService(root: root, environment: [:], logger: Self.logger, clock: ShiftedWallClock(offset: -day)) {
            Self.configuration
        }
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: Self.logger))
        let running = Task { try await group.run() }
        #expect(try await eventually(timeout: 30) { Self.events(root).contains("started") }, "started: \(Self.events(root))")
        // One label of the two a run needs: the daemon waits, and says since when.
        let split = try Fashion.trainSplit()
        for index in split.stratified(perClass: 3, classes: [0]) {
            try Files.drop(try split.png(index), into: root + "/inbox", as: "\(Fashion.name(split.label(index)))/\(index).png")
        }
        let waitFile = root + "/" + RootLayout.Name.trainingWait.display
        var since = ""
        let written = try await eventually(timeout: 30) {
            guard let data = FileManager.default.contents(atPath: waitFile),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return false }
            since = object["since"] as? String ?? ""
            return object["reason"] as? String == TrainingWait.Reason.tooFewLabels.rawValue
        }
        #expect(written, "training-wait.json says too_few_labels")
        let yesterday = Timestamp.format(wall: SystemClock().wall() - day).prefix(10)
        let today = Timestamp.now().prefix(10)
        #expect(since.hasPrefix(yesterday) && !since.hasPrefix(today), "since \(since): the daemon's wall clock, a day back")
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
