import Foundation
import Glibc
import MCNDTestSupport
import Testing

/// The daemon under a burst: tens of thousands of requests renamed into the
/// inbox at once, as a camera or an rsync would, each answered once.
@Suite("Daemon under a burst")
struct DaemonBurstTests {
    /// 20,000 requests renamed in at once, far beyond inotify's default queue
    /// of 16,384 events: every one is predicted exactly once.
    @Test("a burst of 20,000 renamed files → 20,000 predictions, each file once")
    func burst() async throws {
        let scratch = try Scratch("burst")
        let root = try await Root.trained(in: scratch)
        let count = 20_000
        let staging = "\(scratch.path)/staging"
        try Files.makeFolder(staging)
        let split = try Fashion.trainSplit()
        var names: [String] = []
        names.reserveCapacity(count)
        for i in 0..<count {
            let name = String(format: "burst-%05d.png", i)
            try Files.write(try split.png(10_000 + i), to: "\(staging)/\(name)")
            names.append(name)
        }

        let daemon = try Daemon(
            root: root, scratch: scratch,
            settings: [
                "train.epochs=3", "train.min_steps=0", "train.cross_validation_below=0", "train.refit_below=0", "review.target_precision=0",
            ])
        try await daemon.ready()
        let start = monotonic()
        for name in names { try Files.move("\(staging)/\(name)", to: "\(root.inbox)/\(name)") }
        let renamed = monotonic() - start
        var lines = 0
        let done = try await eventually(timeout: 120, every: 50) {
            lines = root.predictions.files.count
            return lines >= count && Files.regularFiles(under: root.inbox).isEmpty
        }
        let seconds = monotonic() - start
        #expect(done, "\(lines) of \(count) predicted after \(seconds) s; \(Files.regularFiles(under: root.inbox).count) left in the inbox")
        let exit = try await daemon.stop(SIGTERM)
        #expect(exit.succeeded, "\(daemon.child.transcript)")

        let files = try root.predictions.objects().compactMap { $0["file"] as? String }
        #expect(files.count == count, "one line per file")
        #expect(Set(files) == Set(names), "each file once")
        #expect(Files.regularFiles(under: root.inbox).isEmpty)
        #expect(Files.names(in: "\(root.path)/archive/predicted").count == count)
        #expect(Files.names(in: "\(root.path)/rejected").isEmpty)
        let events = try root.events.objects()
        #expect(!events.contains { ["rejected", "error"].contains($0["event"] as? String) }, "\(events.suffix(5))")
        print(
            "burst: \(count) files renamed in \(String(format: "%.2f", renamed)) s, all predicted after \(String(format: "%.2f", seconds)) s"
        )
    }

    /// Only one mcnd per root: a second daemon or a `--once` says who holds it
    /// and leaves; SIGINT stops the first as gracefully as SIGTERM.
}
