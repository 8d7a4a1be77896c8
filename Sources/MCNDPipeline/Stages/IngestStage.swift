import MCNDFileSystem
import MCNDImaging
import MCNDModel

/// What an ingest pass did.
public struct IngestSummary: Sendable, Equatable {
    public var examples = 0
    public var duplicates = 0
    public var conflicts = 0
    public var rejected = 0
    /// Left in place for a later pass (changing, unreadable).
    public var deferred = 0
    /// Truncated and changed recently: left for the writer to finish (IncompleteFiles).
    public var incomplete = 0
}

/// Labeled files become examples (or duplicates, or conflicts); unusable files
/// anywhere are rejected. Prediction requests are left to PredictStage.
struct IngestStage {
    let context: PipelineContext
    /// Files known to be complete (closed after writing): never held as incomplete.
    var closed: Set<RawPath> = []

    func run(_ entries: [InboxEntry]) throws(PipelineError) -> IngestSummary {
        var summary = IngestSummary()
        let c = context.configuration
        let preparation = InputPreparation(root: context.root, limit: c.limits.maxInputBytes,
                                           normalizer: ImageNormalizer(spec: c.input, limits: c.limits))
        let work = entries.filter { $0.isLabeled || $0.problem != nil }
        var start = 0
        while start < work.count {
            let chunk = work[start ..< min(start + c.ingestBatch, work.count)]
            start += chunk.count
            var examples: [NewExample] = []
            var outcomes: [PlannedOutcome] = []
            var planned: Set<RawPath> = []
            var batchLabels: [String: String] = [:]
            var incomplete = IncompleteFiles(context: context, closed: closed)
            var corrections = ReviewCorrections(store: context.store)
            for item in preparation.prepare(chunk) {
                let entry = item.entry
                if let problem = entry.problem {
                    outcomes.append(context.rejection(entry, sha256: nil, reason: problem.reason, detail: problem.detail, planned: &planned))
                    summary.rejected += 1
                    continue
                }
                guard let label = entry.label else { continue }
                let sha: String, identity: FileIdentity, decoded: Result<[UInt8], ImageRejection>
                switch item.read.mapError({ problem(entry, $0) }) {
                case .success(let r): (sha, identity, decoded) = (r.sha256, r.identity, r.pixels)
                case .failure(let outcome):
                    if let outcome = outcome.map({ context.rejection(entry, sha256: nil, reason: $0.reason, detail: $0.detail, planned: &planned) }) {
                        outcomes.append(outcome); summary.rejected += 1
                    } else {
                        summary.deferred += 1
                    }
                    continue
                }
                let source = RawPath("inbox") + entry.relative
                var existing = batchLabels[sha]
                if existing == nil { existing = try context.store.existingLabel(sha256: sha) }
                if existing == label {
                    let destination = archiveDestination(entry, planned: &planned)
                    var outcome = PlannedOutcome(source: source, sha256: sha, outcome: .duplicate, destination: destination, identity: identity)
                    try corrections.resolve(&outcome, file: entry.relative, label: label)
                    outcomes.append(outcome)
                    summary.duplicates += 1
                } else if let existing {
                    let destination = context.uniqueDestination("rejected", entry.relative, planned: &planned)
                    var line = JSONLine()
                    line.add("event", "conflict")
                    line.add("time", Timestamp.now())
                    PipelineContext.addFile(entry.relative, to: &line)
                    line.add("sha256", sha)
                    line.add("label", label)
                    line.add("existing_label", existing)
                    line.add("moved_to", destination.display)
                    outcomes.append(PlannedOutcome(source: source, sha256: sha, outcome: .conflict, outbox: "events.jsonl",
                                                   line: line.line, destination: destination, identity: identity))
                    summary.conflicts += 1
                } else {
                    let pixels: [UInt8]
                    do {
                        pixels = try decoded.get()
                    } catch {
                        if incomplete.holds(entry, error) { summary.incomplete += 1; continue }
                        outcomes.append(context.rejection(entry, sha256: sha, reason: error.code, detail: error.detail,
                                                          planned: &planned, identity: identity))
                        summary.rejected += 1
                        continue
                    }
                    examples.append(NewExample(sha256: sha, label: label, pixels: pixels, width: c.input.width,
                                               height: c.input.height, channels: c.input.channels.count,
                                               originalName: entry.relative.display))
                    batchLabels[sha] = label
                    let destination = archiveDestination(entry, planned: &planned)
                    var outcome = PlannedOutcome(source: source, sha256: sha, outcome: .example, destination: destination, identity: identity)
                    try corrections.resolve(&outcome, file: entry.relative, label: label)
                    outcomes.append(outcome)
                    summary.examples += 1
                }
            }
            try context.writer.complete(examples: examples, outcomes: outcomes, validationFraction: c.schedule.validationFraction)
            try incomplete.record()
        }
        return summary
    }

    private func archiveDestination(_ entry: InboxEntry, planned: inout Set<RawPath>) -> RawPath? {
        context.configuration.consumed == .delete ? nil : context.uniqueDestination("archive/labeled", entry.relative, planned: &planned)
    }

    /// The file's bytes and identity, or why not: a rejection, or nil to leave it for later.
    func read(_ entry: InboxEntry) -> Result<([UInt8], FileIdentity), ReadProblem> {
        let path = RootLayout.Folder.inbox.name + entry.relative
        do {
            return .success(try InputReader(root: context.root).read(path, limit: context.configuration.limits.maxInputBytes))
        } catch {
            return .failure(problem(entry, error))
        }
    }

    /// Why a read gave no bytes, as the stage acts on it (logged here, in the batch's order).
    func problem(_ entry: InboxEntry, _ error: InputFailure) -> ReadProblem {
        let path = RootLayout.Folder.inbox.name + entry.relative
        switch error {
        case .changing, .vanished:
            return ReadProblem(rejection: nil)
        case .unreadable(let code):
            context.logger.error("cannot read \(context.layout.path(path)): \(code); left in place")
            return ReadProblem(rejection: nil)
        case .notRegular(let what):
            return ReadProblem(rejection: ("unsupported", what))
        case .tooLarge(let size):
            return ReadProblem(rejection: ("too_large", "\(size) bytes, over limits.max_bytes (\(context.configuration.limits.maxInputBytes))"))
        }
    }
}

/// A read that did not give bytes: rejected with a reason, or (nil) deferred.
struct ReadProblem: Error {
    var rejection: (reason: String, detail: String)?
    func map<T>(_ f: ((reason: String, detail: String)) -> T) -> T? { rejection.map(f) }
}
