import Dispatch
import Synchronization

/// `map` over Dispatch's threads (one per core), the results in the input's
/// order whatever thread made them: per-file work runs on both cores while the
/// outcomes, decided from the results in order, stay deterministic.
enum ParallelMap {
    /// `workers` 1 (or fewer than 2 items) maps on the caller's thread.
    static func map<T: Sendable, R: Sendable>(_ items: [T], workers: Int, _ transform: @Sendable (T) -> R) -> [R] {
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

    /// Each slice's results, written once by the thread that made them.
    private final class Slots<R: Sendable>: Sendable {
        private let slots: Mutex<[[R]]>

        init(count: Int) { slots = Mutex(Array(repeating: [], count: count)) }

        func store(_ results: [R], at slice: Int) { slots.withLock { $0[slice] = results } }

        func joined() -> [R] { slots.withLock { Array($0.joined()) } }
    }
}
