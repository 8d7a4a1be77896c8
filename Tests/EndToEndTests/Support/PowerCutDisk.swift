import Foundation
import Glibc
import MCNDTestSupport

/// A folder seen through the power-cut file system (PowerCutFS/power_cut_fs.py beside
/// this file): mounted, it passes everything through to the folder; `cut()`
/// unmounts it, and the folder keeps only what was fsynced (file data) and
/// what a folder fsync made durable (creates, renames, unlinks) — a power cut.
final class PowerCutDisk {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("PowerCutFS/power_cut_fs.py")
        .path
    /// Debian's python3, the one python3-fusepy installs for.
    static let python = "/usr/bin/python3"

    /// The folder that holds the data (read it directly to watch progress without going through FUSE).
    let backing: String
    let mountpoint: String
    private let output: String
    private var pid: pid_t?

    /// What the cuts dropped: files with unsynced data, namespace changes never made durable.
    private(set) var revertedFiles = 0
    private(set) var droppedChanges = 0

    init(backing: String, mountpoint: String) throws {
        self.backing = backing
        self.mountpoint = mountpoint
        output = backing + ".fs"
        try FileManager.default.createDirectory(atPath: mountpoint, withIntermediateDirectories: true)
    }

    deinit {
        if pid != nil {
            _ = umount2(mountpoint, Int32(MNT_DETACH))
            _ = try? reap(timeout: 10)
        }
        unlink(output + ".out")
        unlink(output + ".err")
    }

    /// Mounts the folder; everything in it now counts as durable.
    func mount() throws {
        precondition(pid == nil, "already mounted")
        let child = try ChildProcess.spawn(
            Self.python, argv: [Self.python, Self.script, backing, mountpoint],
            stdout: output + ".out", stderr: output + ".err")
        pid = child
        let deadline = monotonic() + 20
        while !log.contains("mounted") {
            if let exit = ChildProcess.reap(child, block: false) {
                pid = nil
                throw TestFailure("power_cut_fs.py exited \(exit.status) before mounting: \(errors)")
            }
            if monotonic() > deadline {
                throw TestFailure("power_cut_fs.py did not mount \(mountpoint) within 20 s: \(errors)")
            }
            usleep(5_000)
        }
    }

    /// The power cut: unmounts (every process using the mount must have ended) and
    /// waits until the folder holds only what was durable.
    func cut() throws {
        guard pid != nil else { throw TestFailure("cut of \(mountpoint), which is not mounted") }
        // A killed process's files are closed asynchronously; the mount can be busy for a moment.
        let deadline = monotonic() + 10
        while umount2(mountpoint, 0) != 0 {
            guard errno == EBUSY, monotonic() < deadline else {
                throw TestFailure("umount \(mountpoint): \(String(cString: strerror(errno)))")
            }
            usleep(20_000)
        }
        let exit = try reap(timeout: 60)
        guard exit.status == 0, !exit.signaled, let line = log.split(separator: "\n").last(where: { $0.hasPrefix("cut ") }) else {
            throw TestFailure("power_cut_fs.py ended with \(exit) after the unmount: \(errors)")
        }
        let counts = line.split(separator: " ").dropFirst().compactMap { Int($0) }
        revertedFiles += counts.first ?? 0
        droppedChanges += counts.last ?? 0
    }

    private func reap(timeout: Double) throws -> (status: Int32, signaled: Bool) {
        guard let child = pid else { throw TestFailure("no file system process") }
        let deadline = monotonic() + timeout
        while true {
            if let exit = ChildProcess.reap(child, block: false) {
                pid = nil
                return exit
            }
            if monotonic() > deadline {
                kill(child, SIGKILL)
                _ = ChildProcess.reap(child, block: true)
                pid = nil
                throw TestFailure("power_cut_fs.py did not exit within \(timeout) s of the unmount: \(errors)")
            }
            usleep(10_000)
        }
    }

    private var log: String { (try? String(contentsOfFile: output + ".out", encoding: .utf8)) ?? "" }
    private var errors: String { String(((try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? "").suffix(2000)) }

    /// Why the file system cannot be used here (no /dev/fuse, no fusepy, mounting
    /// refused), or nil; found by mounting an empty folder once.
    static let unavailable: String? = {
        let reason: String? = {
            guard access("/dev/fuse", R_OK | W_OK) == 0 else { return "/dev/fuse is missing or not accessible" }
            guard access(python, X_OK) == 0 else { return "\(python) is missing (scripts/setup installs python3-fusepy)" }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mcnd-fuse-probe-\(getpid())").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            do {
                try FileManager.default.createDirectory(atPath: folder + "/disk", withIntermediateDirectories: true)
                let disk = try PowerCutDisk(backing: folder + "/disk", mountpoint: folder + "/mnt")
                try disk.mount()
                try disk.cut()
                return nil
            } catch {
                return "mounting the FUSE file system was refused: \(error)"
            }
        }()
        if let reason { print("power-loss tests skipped: \(reason)") }
        return reason
    }()
}
