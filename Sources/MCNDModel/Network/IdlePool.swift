/// Idle objects by key, at most `capacity` in all: putting one back beyond
/// that drops the idle objects of the key used longest ago. oneDNN primitives
/// are kept by matrix shape, and a long-running daemon meets ever new shapes
/// (each prediction batch's row count, each run's last minibatch and folds):
/// without a bound every one of them stayed, with its scratchpad, forever.
public struct IdlePool<Key: Hashable, Value> {
    public let capacity: Int
    private var idle: [Key: [Value]] = [:]
    private var lastUse: [Key: UInt64] = [:]
    private var tick: UInt64 = 0
    /// Idle objects held, over all keys.
    public private(set) var count = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "an idle pool holds at least one object")
        self.capacity = capacity
    }

    /// An idle object for `key`, if one is held.
    public mutating func take(_ key: Key) -> Value? {
        tick += 1
        lastUse[key] = tick
        guard let value = idle[key]?.popLast() else { return nil }
        count -= 1
        return value
    }

    public func idleCount(_ key: Key) -> Int { idle[key]?.count ?? 0 }

    /// Keeps `value` idle for `key`, dropping the least recently used other keys' objects while over capacity.
    public mutating func put(_ value: Value, for key: Key) {
        tick += 1
        lastUse[key] = tick
        idle[key, default: []].append(value)
        count += 1
        while count > capacity,
            let oldest = idle.keys.filter({ $0 != key }).min(by: { lastUse[$0, default: 0] < lastUse[$1, default: 0] })
        {
            count -= idle.removeValue(forKey: oldest)?.count ?? 0
            lastUse[oldest] = nil
        }
    }
}
