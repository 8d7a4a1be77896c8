import Dispatch
import Foundation
import Synchronization

/// Work on a thread of its own, started now; `wait()` collects its result.
///
/// Why a thread and not a task or Dispatch: on Linux, Swift's cooperative pool
/// and Dispatch's global queue share one thread per core (two on a small
/// machine). Work that blocks or runs long on them — the inotify loop (poll(2)
/// until stopped), a training run (minutes in oneDNN, then SQLite), reading the
/// next batch while this one is journaled, the training crew's spinning
/// helpers — would hold one of those threads for as long as it runs, and with
/// both held the loop that answers requests, pings the watchdog and handles
/// SIGTERM would stall.
public final class OwnThread<T: Sendable>: Sendable {
    private let result = Mutex<T?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// `stackSize`: in bytes, where the work needs more than the default.
    public init(_ name: String, stackSize: Int? = nil, _ work: @escaping @Sendable () -> T) {
        let thread = Thread { [self] in
            let value = work()
            result.withLock { $0 = value }
            done.signal()
        }
        thread.name = name
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }

    /// Waits for the work to finish and returns its result; call it once.
    public func wait() -> T {
        done.wait()
        return result.withLock { $0.take()! }
    }
}

extension OwnThread where T == Void {
    /// Starts work whose end is reported some other way (an event, a flag).
    @discardableResult
    public static func start(_ name: String, stackSize: Int? = nil, _ work: @escaping @Sendable () -> Void) -> OwnThread<Void> {
        OwnThread<Void>(name, stackSize: stackSize, work)
    }
}
