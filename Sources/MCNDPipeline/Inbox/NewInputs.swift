/// A pass's inputs with no outcome recorded yet, decided once per pass
/// (`Journal.undecided`) and split by what they ask for, so ingest and
/// prediction each take their part and neither decides or filters again.
public struct NewInputs: Sendable {
    /// Labeled examples, and every entry the scan found unusable (the ingest stage rejects those).
    public let examples: [InboxEntry]
    /// Prediction requests: usable files at the inbox's top.
    public let requests: [InboxEntry]

    init(_ undecided: [InboxEntry]) {
        var examples: [InboxEntry] = [], requests: [InboxEntry] = []
        for entry in undecided {
            if entry.isLabeled || entry.problem != nil { examples.append(entry) } else { requests.append(entry) }
        }
        (self.examples, self.requests) = (examples, requests)
    }
}
