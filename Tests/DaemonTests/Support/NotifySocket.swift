import Foundation
import Glibc
import MCNDTestSupport
import Synchronization

/// The systemd side of `Type=notify`: an AF_UNIX datagram socket bound at a
/// path, whose messages (`READY=1`, `STATUS=…`, …) the test reads. Like
/// systemd, a thread reads it all the time: the kernel queues only a few
/// datagrams (`net.unix.max_dgram_qlen`, often 10), and a sender blocks when
/// the queue is full.
final class NotifySocket {
    let path: String
    private let received = Received()

    private final class Received: Sendable {
        let messages = Mutex<[String]>([])
        let stop = Atomic<Bool>(false)
    }

    init(path: String) throws {
        self.path = path
        guard path.utf8.count < 108 else { throw TestFailure("socket path too long: \(path)") }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        unlink(path)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw TestFailure("bind \(path): \(reason)")
        }
        let received = self.received
        let thread = Thread {
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !received.stop.load(ordering: .acquiring) {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 50) > 0 else { continue }
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                guard n >= 0 else { continue }
                let message = String(decoding: buffer[0..<n], as: UTF8.self)
                received.messages.withLock { $0.append(message) }
            }
        }
        thread.name = "notify-socket"
        thread.start()
    }

    deinit {
        received.stop.store(true, ordering: .releasing)
        unlink(path)
    }

    /// Every datagram received so far, in order.
    var messages: [String] { received.messages.withLock { $0 } }

    /// Waits up to `timeout` seconds for a message at index `start` or later
    /// (of `messages`) that satisfies `predicate`.
    func wait(timeout: Double, from start: Int = 0, for predicate: (String) -> Bool) async throws -> String? {
        var found: String?
        _ = try await eventually(timeout: timeout) {
            found = messages.dropFirst(start).first(where: predicate)
            return found != nil
        }
        return found
    }

    func received(_ message: String) -> Bool { messages.contains(message) }

    /// The values of every `STATUS=` message so far.
    var statuses: [String] {
        messages.filter { $0.hasPrefix("STATUS=") }.map { String($0.dropFirst("STATUS=".count)) }
    }
}
