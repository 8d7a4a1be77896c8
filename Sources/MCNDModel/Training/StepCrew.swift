import Foundation
import Synchronization

/// Threads that stay awake for one training run and take their part of every
/// step. A step is far too short (≈0.3 ms) for a thread pool: waking sleeping
/// workers twice per step cost more than the parallel work saved. The helpers
/// spin on a generation counter instead, yielding the CPU after a while so an
/// idle run does not starve the machine.
final class StepCrew: @unchecked Sendable {
    let parts: Int
    private let generation = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let running = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// Written before `generation` is bumped (release) and read after it is
    /// seen (acquire), so helpers always see the current job.
    private var job: ((Int) -> Void)?

    init(parts: Int) {
        self.parts = max(1, parts)
        for part in 1..<self.parts {
            running.add(1, ordering: .relaxed)
            let thread = Thread { [self] in helperLoop(part) }
            thread.name = "mcnd-train-\(part)"
            thread.start()
        }
    }

    /// Runs `body(part)` for every part; part 0 on the calling thread.
    func run(_ body: (Int) -> Void) {
        guard parts > 1 else { body(0); return }
        withoutActuallyEscaping(body) { body in
            job = body
            finished.store(0, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            body(0)
            while finished.load(ordering: .acquiring) < parts - 1 { Self.pause() }
            job = nil
        }
    }

    /// Ends the helpers; call once when the run is over.
    func stop() {
        stopping.store(true, ordering: .releasing)
        while running.load(ordering: .acquiring) > 0 { sched_yield() }
    }

    private func helperLoop(_ part: Int) {
        var seen = 0
        var idle = 0
        while true {
            let current = generation.load(ordering: .acquiring)
            if current != seen {
                seen = current
                idle = 0
                job!(part)
                finished.add(1, ordering: .releasing)
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
