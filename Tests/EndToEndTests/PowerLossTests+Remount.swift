import Foundation
import Glibc
import MCNDTestSupport

/// Remounting after a cut with another device number. A disk that comes back
/// after a power loss need not keep its st_dev (a reboot renumbers FUSE, NFS,
/// btrfs and device-mapper file systems), and on a busy machine a FUSE remount
/// gets whatever anonymous device number is free. So each remount after a cut
/// first takes the old number with placeholder tmpfs mounts: the journal then
/// always meets inputs whose device changed, not only when the timing says so.
extension EndToEnd.PowerLossTests {
    /// Mounts `fs` after a cut with a device number other than `previous`
    /// (the mount's st_dev before the cut); returns the new one.
    func remount(_ fs: PowerCutDisk, previous: UInt64?, scratch: Scratch) throws -> UInt64 {
        var holders: [String] = []
        defer {
            for holder in holders.reversed() { _ = umount2(holder, Int32(MNT_DETACH)) }
        }
        if let previous {
            // Anonymous device numbers are handed out lowest first: a few placeholders
            // reach the freed one unless another mount took it (then it differs anyway).
            for i in 0..<64 {
                let holder = scratch.appending("device-holder-\(i)").path
                try FileManager.default.createDirectory(atPath: holder, withIntermediateDirectories: true)
                guard Glibc.mount("none", holder, "tmpfs", 0, nil) == 0 else {
                    throw TestFailure("mount tmpfs at \(holder): \(String(cString: strerror(errno)))")
                }
                holders.append(holder)
                if try Self.device(holder) == previous { break }
            }
        }
        try fs.mount()
        return try Self.device(fs.mountpoint)
    }

    static func device(_ path: String) throws -> UInt64 {
        var st = stat()
        guard stat(path, &st) == 0 else { throw TestFailure("stat \(path): \(String(cString: strerror(errno)))") }
        return UInt64(st.st_dev)
    }
}
