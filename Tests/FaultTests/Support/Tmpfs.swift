import Foundation
import Glibc
import MCNDImaging
import MCNDTestSupport
import Testing

/// A tmpfs mounted over a folder for one test; `unmount()` (call it in a `defer`) takes it away.
final class Tmpfs {
    let path: String
    private var mounted = true
    /// The scratch folder the mount point is in: kept until the file system is unmounted.
    private let owner: AnyObject

    /// Why no tmpfs can be mounted here (not root, no CAP_SYS_ADMIN, a container), or nil:
    /// tried once on a folder of its own, for the tests' `.enabled(if:)` traits.
    static let unavailable: String? = {
        guard let scratch = try? Scratch("tmpfs-probe") else { return "no temporary folder for the probe" }
        do {
            try mount(over: scratch.path, kilobytes: 64, keeping: scratch).unmount()
            return nil
        } catch {
            return "\(error)"
        }
    }()

    /// Mounts a tmpfs of `kilobytes` over `path`; fails with mount's reason when it is refused.
    static func mount(over path: String, kilobytes: Int, keeping owner: AnyObject) throws -> Tmpfs {
        guard let tool = Shell.which(["mount"]) else { throw TestFailure("no mount command") }
        let result = try Shell.run([tool, "-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0755", "tmpfs", path])
        guard result.status == 0 else {
            throw TestFailure(
                "cannot mount a tmpfs over \(path) (mount exited \(result.status): "
                    + "\(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        return Tmpfs(path, owner)
    }

    private init(_ path: String, _ owner: AnyObject) {
        self.path = path
        self.owner = owner
    }

    func unmount() {
        guard mounted else { return }
        mounted = false
        let tool = Shell.which(["umount"]) ?? "/bin/umount"
        if (try? Shell.run([tool, path]))?.status != 0 { _ = try? Shell.run([tool, "-l", path]) }
    }

    deinit { unmount() }
}

/// Synthetic PNGs: every seed gives different (random) pixels, so every file has its own SHA-256.
enum Images {
    static func png(_ seed: UInt64, size: Int = 28) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x1234_5678
        var pixels = [UInt8](repeating: 0, count: size * size)
        for i in pixels.indices {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            pixels[i] = UInt8(truncatingIfNeeded: state >> 24)
        }
        return try! PNGCodec.encode(DecodedImage(width: size, height: size, layout: .gray, pixels: pixels))
    }
}
