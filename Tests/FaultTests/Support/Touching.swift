import Foundation
import Glibc
import MCNDTestSupport

/// What writers do to a file's attributes after closing it (`rsync`, `cp -p`, `curl -R`,
/// `wget -N`, `tar x`): set its times (once, or twice), its mode, its owner, an extended attribute.
enum Touch: String, CaseIterable, Sendable {
    case utime, utimeTwice, chmod, chown, xattr

    /// Ten files in a row get: six `utime`, one second `utime`, one each of the others.
    static func forFile(_ i: Int) -> Touch {
        [.utime, .utime, .utimeTwice, .utime, .chmod, .utime, .chown, .utime, .xattr, .utime][i % 10]
    }

    /// An mtime a server would send: 2021-01-01 plus `seconds`.
    static func oldTime(_ seconds: Int) -> timespec { timespec(tv_sec: 1_609_459_200 + seconds, tv_nsec: 0) }

    /// Applies the change; false when the file system refuses it (e.g. no user xattrs on tmpfs).
    @discardableResult
    func apply(to path: String, seed: Int) -> Bool {
        switch self {
        case .utime: return Self.setTimes(path, Self.oldTime(seed))
        case .utimeTwice:
            guard Self.setTimes(path, Self.oldTime(seed)) else { return false }
            usleep(1_000)
            return Self.setTimes(path, Self.oldTime(seed + 1))
        case .chmod: return Glibc.chmod(path, 0o640) == 0
        case .chown: return getuid() == 0 ? Glibc.chown(path, 65534, 65534) == 0 : false
        case .xattr: return Self.setxattr.map { $0(path, "user.mcnd-test", "1", 1, 0) == 0 } ?? false
        }
    }

    /// libc's setxattr(2) wrapper, looked up at run time: Swift's Glibc module does not import <sys/xattr.h>.
    static let setxattr: (@convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer, Int, Int32) -> Int32)? =
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setxattr").map {
            unsafeBitCast($0, to: (@convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer, Int, Int32) -> Int32).self)
        }

    static func setTimes(_ path: String, _ time: timespec) -> Bool {
        var times = [time, time]
        return utimensat(AT_FDCWD, path, &times, 0) == 0
    }
}

/// Writes files into a live inbox from a thread, each followed 0–15 ms after its close by a
/// `Touch`: either in place (open, write, close: the daemon sees IN_CLOSE_WRITE) or as a hidden
/// temporary renamed into place (what `--once` with `settle_seconds=0` may read at once).
final class TouchingWriter: @unchecked Sendable {  // the counters are behind `lock`
    private let lock = NSLock()
    private var attempted: [Touch: Int] = [:]
    private var applied: [Touch: Int] = [:]
    private var refused: [Touch: Int] = [:]
    private let done = Flag()

    var finished: Bool { done.isSet }

    /// Per kind of change: how many were tried, how many found the file still in the inbox
    /// (the others came after mcnd had moved it), and how many the file system refused.
    var report: String {
        lock.lock()
        defer { lock.unlock() }
        return Touch.allCases.map { t in
            "\(t.rawValue) \(attempted[t] ?? 0) (on the inbox file \(applied[t] ?? 0)"
                + ((refused[t] ?? 0) > 0 ? ", refused \(refused[t]!))" : ")")
        }.joined(separator: ", ")
    }

    func attempted(_ touch: Touch) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return attempted[touch] ?? 0
    }

    /// Starts writing `inputs` (relative to `inbox`) on a thread.
    func start(_ inputs: [Input], inbox: String, viaRename: Bool) {
        let thread = Thread { [self] in
            var generator = SystemRandomNumberGenerator()
            for (i, input) in inputs.enumerated() {
                let path = inbox + "/" + input.display
                do {
                    if viaRename {
                        let slash = path.lastIndex(of: "/")!
                        try Files.drop(input.content, into: String(path[..<slash]), as: String(path[path.index(after: slash)...]))
                    } else {
                        try Files.write(input.content, to: path)
                    }
                } catch {
                    print("writer: \(error)")
                    continue
                }
                usleep(UInt32.random(in: 0...15_000, using: &generator))
                let touch = Touch.forFile(i)
                let ok = touch.apply(to: path, seed: i)
                // ENOENT: mcnd moved the file before the change; that is not a refusal.
                let gone = !ok && errno == ENOENT
                lock.lock()
                attempted[touch, default: 0] += 1
                if ok { applied[touch, default: 0] += 1 } else if !gone { refused[touch, default: 0] += 1 }
                lock.unlock()
            }
            done.set()
        }
        thread.start()
    }
}
