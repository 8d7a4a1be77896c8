import Foundation
import Glibc

/// The daemon's resident memory and open descriptors at one moment, from /proc.
struct Sample {
    var seconds: Double
    var residentKiB: Int
    var descriptors: Int

    init?(pid: pid_t, at seconds: Double) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Int(line.split(separator: " ").dropFirst().first ?? ""),
            let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        else { return nil }
        self.seconds = seconds
        residentKiB = kib
        descriptors = fds.count
    }
}
