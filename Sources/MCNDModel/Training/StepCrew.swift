import Foundation
import MCNDThreads
import Synchronization

/// Threads that stay awake for one training run and share the parts of every
/// step. A step is far too short (≈0.2 ms) for a thread pool: waking sleeping
/// workers twice per step cost more than the parallel work saved. The helpers
/// spin instead, yielding the CPU after a while so an idle run does not
/// starve the machine.
///
/// Parts are claimed, not assigned: whichever thread is free takes the next
/// one, and the caller takes them too. On a busy machine a helper that is
/// not scheduled just takes fewer parts, instead of making every step wait
/// for the scheduler. A part's work depends only on its index, never on the
/// thread, so results stay bit-identical.
final class StepCrew: @unchecked Sendable {
    let parts: Int
    /// The step's number (high bits) and how many of its parts have been claimed (low 16 bits).
    private let state: Atomic<Int>
    private let finished = Atomic<Int>(0)
    private let running = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// Written before `state` moves to a new step (release) and read after a
    /// part of that step is claimed (acquire). The caller replaces it only
    /// when every part is finished, so a claimer always sees its own step's job.
    private var job: ((Int) -> Void)?
    private static let claimBits = 16

    init(parts: Int) {
        self.parts = max(1, min(parts, 1 << Self.claimBits - 1))
        // Step 0 has every part claimed already: nothing to take before the first `run`.
        state = Atomic(self.parts)
        for part in 1..<self.parts {
            running.add(1, ordering: .relaxed)
            OwnThread.start("mcnd-train-\(part)") { [self] in helperLoop() }
        }
    }

    /// Runs `body(part)` for every part, on the calling thread and the helpers.
    func run(_ body: (Int) -> Void) {
        guard parts > 1 else {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { body in
            job = body
            finished.store(0, ordering: .relaxed)
            let step = (state.load(ordering: .relaxed) >> Self.claimBits) + 1
            state.store(step << Self.claimBits, ordering: .releasing)
            while claimAndRun() {}
            while finished.load(ordering: .acquiring) < parts { Self.pause() }
            job = nil
        }
    }

    /// Ends the helpers; call once when the run is over.
    func stop() {
        stopping.store(true, ordering: .releasing)
        while running.load(ordering: .acquiring) > 0 { sched_yield() }
    }

    /// Claims one unclaimed part of the current step and runs it; false when none is left.
    private func claimAndRun() -> Bool {
        let mask = 1 << Self.claimBits - 1
        var current = state.load(ordering: .acquiring)
        while current & mask < parts {
            let (exchanged, seen) = state.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                job!(current & mask)
                finished.add(1, ordering: .releasing)
                return true
            }
            current = seen
        }
        return false
    }

    private func helperLoop() {
        var idle = 0
        while true {
            if claimAndRun() {
                idle = 0
                continue
            }
            if stopping.load(ordering: .acquiring) { break }
            idle += 1
            if idle < 50_000 { Self.pause() } else { sched_yield() }
        }
        running.subtract(1, ordering: .releasing)
    }

    @inline(__always)
    static func pause() {
        #if arch(x86_64) || arch(arm64)
        // A spin-wait hint would be ideal; an atomic fence keeps the loop honest and cheap.
        atomicMemoryFence(ordering: .acquiring)
        #endif
    }
}
