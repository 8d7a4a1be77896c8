import MCNDDaemon
import MCNDFileSystem
import MCNDPipeline
import MCNDTestSupport

/// A temporary root with inbox/ and a real inotify watcher on it, read the way
/// the daemon's watcher thread reads it.
final class WatchedInbox {
    let scratch: Scratch
    let inbox: String
    let watcher: InboxWatcher

    init(_ name: String, folders: [String] = []) throws {
        scratch = try Scratch(name)
        inbox = scratch.path + "/inbox"
        try Files.makeFolder(inbox)
        for folder in folders { try Files.makeFolder(inbox + "/" + folder) }
        watcher = try InboxWatcher(root: try Directory.open(path: scratch.path), inbox: inbox)
    }

    /// Changes read until `done` holds for all of them, or 10 s (then `done` is false for the result).
    func changes(until done: ([InboxWatcher.Change]) -> Bool) throws -> [InboxWatcher.Change] {
        var all: [InboxWatcher.Change] = []
        let deadline = monotonic() + 10
        while !done(all), monotonic() < deadline { all += try watcher.wait(timeout: 0.1) }
        return all
    }

    /// Writes a marker file and returns every change up to its completion. inotify
    /// delivers in order, so whatever an earlier operation caused is in the result:
    /// a way to see that an operation caused nothing, without waiting for a time.
    func changesUpToMarker(_ name: String = "zz-marker.png") throws -> [InboxWatcher.Change] {
        try Files.write([1], to: inbox + "/" + name)
        let marker = InboxWatcher.Change.complete(RawPath(name))
        return try changes(until: { $0.contains(marker) })
    }
}
