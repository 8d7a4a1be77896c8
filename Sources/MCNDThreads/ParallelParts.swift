import Dispatch
import Synchronization

/// Short data-parallel work over Dispatch's threads (one per core): parts that
/// finish in well under a second and never block, so borrowing the shared
/// threads costs nothing. Results come back in the input's order whatever
/// thread made them, so what is decided from them stays deterministic.
public enum ParallelParts {
    /// `transform` over `items`; `workers` 1 (or fewer than 2 items) maps on the caller's thread.
    public static func map<T: Sendable, R: Sendable>(_ items: [T], workers: Int, _ transform: @Sendable (T) -> R) -> [R] {
        // Small slices let a core that drew cheap items take more of them.
        let slices = workers <= 1 || items.count < 2 ? 1 : min(items.count, workers * 8)
        guard slices > 1 else { return items.map(transform) }
        let results = Slots<R>(count: slices)
        let size = (items.count + slices - 1) / slices
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let range = min(slice * size, items.count)..<min((slice + 1) * size, items.count)
            results.store(items[range].map(transform), at: slice)
        }
        return results.joined()
    }

    /// `body(part)` for parts 0..<count at once. The parts must touch disjoint
    /// memory: the callers guarantee it, the compiler cannot see it through raw pointers.
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = Unchecked(body)
            DispatchQueue.concurrentPerform(iterations: count) { work.value($0) }
        }
    }

    private struct Unchecked<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    /// Each slice's results, written once by the thread that made them.
    private final class Slots<R: Sendable>: Sendable {
        private let slots: Mutex<[[R]]>

        init(count: Int) { slots = Mutex(Array(repeating: [], count: count)) }

        func store(_ results: [R], at slice: Int) { slots.withLock { $0[slice] = results } }

        func joined() -> [R] { slots.withLock { Array($0.joined()) } }
    }
}
