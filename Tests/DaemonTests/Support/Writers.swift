import Foundation
import Glibc
import MCNDTestSupport

/// Writes `bytes` to `path` the careless way, in two halves with a pause between
/// (during which `meanwhile` runs, e.g. another drop that wakes the daemon),
/// then closes: the daemon must not take the half-written file.
func plainWrite(_ bytes: [UInt8], to path: String, meanwhile: () throws -> Void) async throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw TestFailure("create \(path): \(errnoText())") }
    defer { close(fd) }
    let half = bytes.count / 2
    try Files.writeAll(fd, bytes[..<half], path: path)
    try meanwhile()
    try await Task.sleep(for: .milliseconds(150))
    try Files.writeAll(fd, bytes[half...], path: path)
}

/// An RFC 3339 `time` field as a Date.
func date(_ value: Any?) -> Date? {
    guard let text = value as? String else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
}
