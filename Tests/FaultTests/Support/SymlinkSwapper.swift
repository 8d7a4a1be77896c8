import Foundation
import Glibc
import MCNDTestSupport

/// A hostile member of the inbox's group: flips names inside the root between
/// a real entry and a symlink to a folder (or file) outside it, as fast as it
/// can, with plain renames (move the real one aside, rename a prepared symlink
/// into its place, and back). While the real folder is in place it drops new
/// images into it, so mcnd has real work in the folder being swapped.
final class SymlinkSwapper: @unchecked Sendable {
    /// A name flipped between real and link: `path` (absolute), its hidden
    /// parking places for the real entry and the link.
    struct Target {
        var path: String
        var realAside: String
        var linkAside: String
        /// Drop new images into the real folder (a label folder), or put a new file in place of one mcnd consumed.
        var feeds: Bool
    }

    let targets: [Target]
    private let stop = Flag()
    private let done = Flag()
    private let lock = NSLock()
    private var _swaps = 0
    private var seed: UInt64

    var swaps: Int {
        lock.lock()
        defer { lock.unlock() }
        return _swaps
    }

    /// Prepares each target: `real` at `path` already exists; a symlink to `outside` is made aside.
    init(_ targets: [(path: String, outside: String, feeds: Bool)], seed: UInt64) throws {
        var made: [Target] = []
        for (i, t) in targets.enumerated() {
            let folder = (t.path as NSString).deletingLastPathComponent
            let target = Target(
                path: t.path, realAside: folder + "/.swap-real-\(i)", linkAside: folder + "/.swap-link-\(i)", feeds: t.feeds)
            try Files.symlink(Files.bytes(t.outside), at: Files.bytes(target.linkAside))
            made.append(target)
        }
        self.targets = made
        self.seed = seed
    }

    func start() {
        let thread = Thread { [self] in
            var round = 0
            while !stop.isSet {
                round += 1
                for t in targets {
                    if t.feeds && access(t.path, F_OK) != 0 && access(t.realAside, F_OK) != 0 { replace(t) }
                    // Real at path → aside; link into place; (mcnd may look now) → link back aside; real back.
                    guard rename(t.path, t.realAside) == 0 else { continue }
                    if rename(t.linkAside, t.path) == 0 {
                        count()
                        usleep(UInt32.random(in: 0...300))
                        _ = rename(t.path, t.linkAside)
                    }
                    _ = rename(t.realAside, t.path)
                    count()
                    if t.feeds && round % 4 == 0 { feed(t) }
                }
                usleep(UInt32.random(in: 0...300))
            }
            done.set()
        }
        thread.start()
    }

    /// Stops the thread and puts every real entry back at its name.
    func finish() {
        stop.set()
        while !done.isSet { usleep(1000) }
        for t in targets where access(t.realAside, F_OK) == 0 {
            if Files.status(Files.bytes(t.path))?.st_mode ?? 0 & S_IFMT == S_IFLNK { _ = rename(t.path, t.linkAside) }
            _ = rename(t.realAside, t.path)
        }
    }

    private func count() {
        lock.lock()
        _swaps += 1
        lock.unlock()
    }

    /// A new file where mcnd consumed the real one (a top-level request).
    private func replace(_ t: Target) {
        seed += 1
        let hidden = (t.path as NSString).deletingLastPathComponent + "/.replace-\(seed).png.tmp"
        guard (try? Files.write(Images.png(seed), to: hidden)) != nil else { return }
        _ = rename(hidden, t.path)
    }

    /// A new image in the real folder (written hidden, then renamed, as writers are told to).
    private func feed(_ t: Target) {
        seed += 1
        var st = stat()
        guard lstat(t.path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else { return }
        let hidden = t.path + "/.feed-\(seed).png.tmp"
        guard (try? Files.write(Images.png(seed), to: hidden)) != nil else { return }
        _ = rename(hidden, t.path + "/fed-\(seed).png")
    }
}
