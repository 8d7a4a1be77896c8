import MCNDFileSystem

/// The destinations a batch has chosen, and beside them those of the batches
/// still moving their files there (`OverlappedBatches`): a name in either is
/// taken. Kept apart rather than merged into one set per batch, so that no
/// batch rehashes the names of the two before it.
public struct PlannedNames: Sendable {
    /// The batches before this one whose files may still be on their way.
    let earlier: [Set<RawPath>]
    /// What this batch has chosen so far.
    public private(set) var chosen: Set<RawPath> = []

    public init(earlier: [Set<RawPath>] = []) { self.earlier = earlier }

    public func contains(_ path: RawPath) -> Bool { chosen.contains(path) || earlier.contains { $0.contains(path) } }

    public mutating func insert(_ path: RawPath) { chosen.insert(path) }
}
