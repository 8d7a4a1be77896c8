import Glibc
import MCNDPipeline

/// Watches inbox/ and every folder below it with inotify. A file counts as
/// complete when it is closed after writing (`IN_CLOSE_WRITE`) or renamed in
/// (`IN_MOVED_TO`); new folders are watched as they appear and then rescanned,
/// so files created before the watch existed are not missed. mcnd only ever
/// moves files out of the inbox, so its own work does not wake it.
public final class InboxWatcher: @unchecked Sendable {  // used by one thread at a time
    public enum Change: Equatable, Sendable {
        /// A file at this path (relative to inbox/) is complete.
        case complete(RawPath)
        /// Something may have been missed (queue overflow, a new folder): rescan.
        case rescan
        /// A folder's mode, owner or ACL changed: moves it refused may work now.
        case folderChanged
    }

    private let inbox: RawPath
    private let root: Directory
    private let fd: Int32
    private var folders: [Int32: RawPath] = [:]
    /// The watch on inbox/ itself; nil while inbox/ is missing (replaced, not made again yet).
    private var inboxWatch: Int32?

    /// Fails when the kernel offers no inotify here (then poll).
    public init(root: Directory, inbox: String) throws(PipelineError) {
        self.root = root
        self.inbox = RawPath(inbox)
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw .io(path: inbox, operation: "inotify_init1", errno: Errno(rawValue: errno)) }
        try watchTree(RawPath([]))
    }

    deinit { close(fd) }

    private static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_ONLYDIR)

    /// Watches `relative` and every non-hidden folder below it. Each folder is
    /// opened beneath the root first (a folder swapped for a symlink is not
    /// entered) and watched through its descriptor (`/proc/self/fd/N`), so the
    /// watch is on the folder that was opened, whatever its name names now.
    private func watchTree(_ relative: RawPath) throws(PipelineError) {
        let folder: Directory
        do { folder = try root.openDirectory(RootLayout.Folder.inbox.name + relative) } catch { return }
        var wd = RawPath("/proc/self/fd/\(folder.descriptor)").withCString { inotify_add_watch(fd, $0, Self.mask) }
        if wd < 0 {
            // No /proc: the path, not following a symlink at its end.
            let path = relative.bytes.isEmpty ? inbox : inbox + relative
            wd = path.withCString { inotify_add_watch(fd, $0, Self.mask | UInt32(IN_DONT_FOLLOW)) }
            guard wd >= 0 else {
                if errno == ENOENT || errno == ENOTDIR { return }
                throw .io(path: path.display, operation: "inotify_add_watch", errno: Errno(rawValue: errno))
            }
        }
        folders[wd] = relative
        if relative.bytes.isEmpty { inboxWatch = wd }
        guard let names = try? folder.entriesWithKinds() else { return }
        for (name, kind) in names {
            guard let first = name.bytes.first, first != UInt8(ascii: "."), first != UInt8(ascii: "_") else { continue }
            guard (kind ?? ((try? folder.status(name)) ?? nil)?.kind) == .directory else { continue }
            try watchTree(relative + name)
        }
    }

    /// Waits up to `timeout` seconds for changes; returns what happened.
    public func wait(timeout: Double) throws(PipelineError) -> [Change] {
        // inbox/ was renamed away or deleted before a new one existed: watch the new one
        // as soon as it appears, and rescan, so its files are not left to the periodic rescan.
        if inboxWatch == nil {
            try watchTree(RawPath([]))
            if inboxWatch != nil { return [.rescan] }
        }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&p, 1, Int32(max(0, timeout * 1000)))
        if ready < 0 && errno != EINTR { throw .io(path: inbox.display, operation: "poll", errno: Errno(rawValue: errno)) }
        guard ready > 0 else { return [] }
        return try drain()
    }

    /// Reads every queued event. Records are parsed by hand: the flexible
    /// `name` member of `struct inotify_event` does not import into Swift.
    public func drain() throws(PipelineError) -> [Change] {
        var changes: [Change] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { break }
                throw .io(path: inbox.display, operation: "read inotify", errno: Errno(rawValue: errno))
            }
            if n == 0 { break }
            var offset = 0
            while offset + 16 <= n {
                func u32(_ at: Int) -> UInt32 {
                    UInt32(buffer[at]) | UInt32(buffer[at + 1]) << 8 | UInt32(buffer[at + 2]) << 16 | UInt32(buffer[at + 3]) << 24
                }
                let wd = Int32(bitPattern: u32(offset))
                let mask = u32(offset + 4)
                let length = Int(u32(offset + 12))
                let name = Array(buffer[(offset + 16)..<min(n, offset + 16 + length)].prefix { $0 != 0 })
                offset += 16 + length
                changes += try interpret(wd: wd, mask: mask, name: name)
            }
        }
        return changes
    }

    private func interpret(wd: Int32, mask: UInt32, name: [UInt8]) throws(PipelineError) -> [Change] {
        if mask & UInt32(IN_Q_OVERFLOW) != 0 { return [.rescan] }
        if mask & UInt32(IN_IGNORED) != 0 {
            folders[wd] = nil
            if wd == inboxWatch { inboxWatch = nil }
            return []
        }
        guard let folder = folders[wd] else { return [] }
        if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
            // The inbox itself was replaced: start over on whatever is there now.
            if folder.bytes.isEmpty { try rewatch() }
            return [.rescan]
        }
        // A file's attributes (a client setting its time) are no news; a folder's may be.
        if mask & UInt32(IN_ATTRIB) != 0 { return name.isEmpty || mask & UInt32(IN_ISDIR) != 0 ? [.folderChanged] : [] }
        guard let first = name.first, first != UInt8(ascii: "."), first != UInt8(ascii: "_") else { return [] }
        let relative = folder.bytes.isEmpty ? RawPath(name) : folder + RawPath(name)
        if mask & UInt32(IN_ISDIR) != 0 {
            if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                try watchTree(relative)
                return [.rescan]
            }
            return []
        }
        if mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO) != 0 { return [.complete(relative)] }
        return []
    }

    private func rewatch() throws(PipelineError) {
        for wd in folders.keys { inotify_rm_watch(fd, wd) }
        folders = [:]
        inboxWatch = nil
        try watchTree(RawPath([]))
    }
}
