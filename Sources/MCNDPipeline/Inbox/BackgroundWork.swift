import Dispatch
import Synchronization

/// Work started on another thread now and collected later: the stages read
/// and decode the next batch while the current one is journaled (file-system
/// work the kernel does on one core), so both cores stay busy.
final class BackgroundWork<T: Sendable>: Sendable {
    private let result = Mutex<T?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () -> T) {
        DispatchQueue.global().async { [self] in
            let value = work()
            result.withLock { $0 = value }
            done.signal()
        }
    }

    /// Waits for the work to finish; call it once.
    func wait() -> T {
        done.wait()
        return result.withLock { $0.take()! }
    }
}
