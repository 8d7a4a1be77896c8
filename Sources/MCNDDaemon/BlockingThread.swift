import Foundation

/// The daemon's two pieces of blocking work, the inotify loop (poll(2) until
/// stopped) and a training run (minutes of CPU in oneDNN, then SQLite writes),
/// each get a thread of their own rather than a task. Swift's cooperative pool
/// has one thread per core (two on a small machine); blocking work on it holds
/// one of them for as long as it runs, and with both held the loop that answers
/// requests, pings the watchdog and handles SIGTERM would stall. Results go back
/// to the loop as events through its AsyncStream continuation, not shared state.
enum BlockingThread {
    static func start(_ name: String, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }
}
