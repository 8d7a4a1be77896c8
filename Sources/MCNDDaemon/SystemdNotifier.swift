import Glibc

/// sd_notify without libsystemd: datagrams to `$NOTIFY_SOCKET` (a path, or an
/// abstract-namespace name when it starts with `@`). A no-op outside systemd.
public struct SystemdNotifier: Sendable {
    let address: [UInt8]?

    public init(environment: [String: String]) {
        guard let socket = environment["NOTIFY_SOCKET"], !socket.isEmpty else {
            address = nil
            return
        }
        var bytes = Array(socket.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        address = bytes
    }

    public var isActive: Bool { address != nil }

    /// The watchdog interval systemd expects pings at (`WATCHDOG_USEC`), if any.
    public static func watchdogInterval(environment: [String: String]) -> Double? {
        guard let usec = environment["WATCHDOG_USEC"].flatMap(Double.init), usec > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"].flatMap(Int32.init), pid != getpid() { return nil }
        return usec / 1_000_000
    }

    /// Sends e.g. `READY=1`, `STATUS=…`, `WATCHDOG=1`, `STOPPING=1`; never
    /// blocks, even when nobody reads the socket.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let address, address.count < 108 else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { path in
            for (i, b) in address.enumerated() { path[i] = b }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + address.count + (address.first == 0 ? 0 : 1))
        let payload = Array(state.utf8)
        let sent = withUnsafePointer(to: &addr) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                payload.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT), sa, length) }
            }
        }
        return sent == payload.count
    }
}
