import Synchronization

/// A flag a test sets and a background thread or task polls.
public final class Flag: Sendable {
    private let value = Mutex(false)

    public init() {}

    public var isSet: Bool { value.withLock { $0 } }

    public func set() { value.withLock { $0 = true } }
}
