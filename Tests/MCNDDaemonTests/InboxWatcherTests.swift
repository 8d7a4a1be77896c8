import Foundation
import Glibc
import MCNDDaemon
import MCNDPipeline
import MCNDTestSupport
import Testing

/// The inbox watcher's reading of real inotify events, on a temporary folder:
/// what counts as a complete file, when to rescan, what a mode change means.
@Suite("Inbox watcher") struct InboxWatcherTests {
    typealias Change = InboxWatcher.Change

    @Test("a file written and closed is complete, once")
    func closeAfterWrite() throws {
        let watched = try WatchedInbox("watch-close")
        try Files.write(Array(repeating: 7, count: 1000), to: watched.inbox + "/a.png")
        let changes = try watched.changesUpToMarker()
        #expect(changes.filter { $0 == .complete(RawPath("a.png")) }.count == 1, "\(changes)")
    }

    @Test("a file renamed in is complete; the hidden temporary it was written as is not")
    func movedIn() throws {
        let watched = try WatchedInbox("watch-moved")
        try Files.drop([1, 2, 3], into: watched.inbox, as: "b.png")
        let changes = try watched.changesUpToMarker()
        #expect(changes == [.complete(RawPath("b.png")), .complete(RawPath("zz-marker.png"))], "\(changes)")
    }

    @Test("a new label folder asks for a rescan, and files written in it afterwards are complete")
    func folderCreatedThenFiles() throws {
        let watched = try WatchedInbox("watch-folder")
        try Files.makeFolder(watched.inbox + "/Coat")
        let created = try watched.changes(until: { $0.contains(.rescan) })
        #expect(created.contains(.rescan), "\(created)")
        try Files.write([1], to: watched.inbox + "/Coat/c.png")
        let inside = try watched.changes(until: { $0.contains(.complete(RawPath("Coat/c.png"))) })
        #expect(inside.contains(.complete(RawPath("Coat/c.png"))), "\(inside)")
    }

    @Test("a folder moved in with files inside: a rescan (its files raised no events here), then it is watched")
    func folderMovedIn() throws {
        let watched = try WatchedInbox("watch-folder-moved")
        let staging = watched.scratch.path + "/Bag"
        try Files.makeFolder(staging)
        try Files.write([1], to: staging + "/old.png")
        try Files.move(staging, to: watched.inbox + "/Bag")
        let moved = try watched.changes(until: { $0.contains(.rescan) })
        #expect(moved.contains(.rescan) && !moved.contains(.complete(RawPath("Bag/old.png"))), "\(moved)")
        try Files.write([2], to: watched.inbox + "/Bag/new.png")
        let inside = try watched.changes(until: { $0.contains(.complete(RawPath("Bag/new.png"))) })
        #expect(inside.contains(.complete(RawPath("Bag/new.png"))), "\(inside)")
    }

    @Test("IN_ATTRIB: a folder's mode change may unblock moves; a file's new time or mode is no news")
    func attributes() throws {
        let watched = try WatchedInbox("watch-attrib", folders: ["Dress"])
        try Files.write([1], to: watched.inbox + "/d.png")
        _ = try watched.changesUpToMarker("m1.png")
        chmod(watched.inbox + "/d.png", 0o600)
        var times = [timespec(tv_sec: 1_609_459_200, tv_nsec: 0), timespec(tv_sec: 1_609_459_200, tv_nsec: 0)]
        utimensat(AT_FDCWD, watched.inbox + "/d.png", &times, 0)
        let fileOnly = try watched.changesUpToMarker("m2.png")
        #expect(fileOnly == [.complete(RawPath("m2.png"))], "\(fileOnly)")
        chmod(watched.inbox + "/Dress", 0o775)
        let folder = try watched.changes(until: { $0.contains(.folderChanged) })
        #expect(folder.contains(.folderChanged), "\(folder)")
    }

    /// The kernel's per-watcher queue length; events beyond it are dropped with one IN_Q_OVERFLOW.
    static let queueLength = (try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8))
        .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }

    @Test(
        "a queue overflow (more events than the kernel keeps) asks for a rescan",
        .enabled(
            if: (queueLength ?? .max) <= 100_000,
            "max_queued_events is \(queueLength.map(String.init) ?? "unreadable"): too many files to overflow it quickly"))
    func overflow() throws {
        let watched = try WatchedInbox("watch-overflow")
        // Each file raises IN_CREATE and IN_CLOSE_WRITE; nothing is read until all are written.
        let files = (Self.queueLength ?? 16_384) / 2 + 64
        for i in 0..<files {
            let fd = open(watched.inbox + "/f\(i).png", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            try #require(fd >= 0, "create: \(errnoText())")
            close(fd)
        }
        let changes = try watched.watcher.drain()
        #expect(changes.contains(.rescan), "\(changes.count) changes, no rescan")
        #expect(changes.count { if case .complete = $0 { true } else { false } } < files, "some events were dropped")
    }

    @Test("the inbox replaced (renamed away, made again): a rescan, and the new inbox is watched")
    func inboxReplaced() throws {
        let watched = try WatchedInbox("watch-replaced")
        try Files.move(watched.inbox, to: watched.scratch.path + "/inbox.old")
        try Files.makeFolder(watched.inbox)
        let replaced = try watched.changes(until: { $0.contains(.rescan) })
        #expect(replaced.contains(.rescan), "\(replaced)")
        try Files.write([1], to: watched.inbox + "/e.png")
        let after = try watched.changes(until: { $0.contains(.complete(RawPath("e.png"))) })
        #expect(after.contains(.complete(RawPath("e.png"))), "\(after)")
    }
}
