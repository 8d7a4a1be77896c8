import Glibc
import MCNDThreads

/// k-fold cross-validation of a few candidate recipes on a small set, then
/// the chosen recipe trained on every row: no example is kept out of the
/// served model, and the out-of-fold logits (each row scored by a model that
/// never saw it) stand in for a validation set: selection, calibration,
/// review thresholds and the promotion comparison read them.
public struct CrossValidation: Sendable {
    /// One way to train: options plus, optionally, augmentation.
    public struct Candidate: Sendable, Equatable {
        public var options: TrainingOptions
        public var augmentation: ImageAugmentation?

        public init(options: TrainingOptions, augmentation: ImageAugmentation? = nil) {
            self.options = options
            self.augmentation = augmentation
        }

        /// How the candidate differs from the others, for logs and the report.
        public var summary: String {
            var parts = ["l2 \(options.l2)", "\(options.epochs) epochs"]
            if let a = augmentation {
                if a.maxShift > 0 { parts.append("shift ±\(a.maxShift) px of \(Int((a.shiftShare * 100).rounded())) %") }
                if a.flip {
                    parts.append("flips")
                } else if a.mirroredLabels.contains(true) {
                    parts.append("flips of \(a.mirroredLabels.filter { $0 }.count) labels")
                }
            }
            return parts.joined(separator: ", ")
        }
    }

    public struct Score: Sendable, Equatable {
        public var candidate: Candidate
        /// Share of rows whose out-of-fold prediction is right.
        public var accuracy: Double
        /// Mean out-of-fold cross-entropy: breaks ties in accuracy.
        public var loss: Double
    }

    public struct Outcome: Sendable {
        public var chosen: Candidate
        public var scores: [Score]
        /// `rows × classes` logits of the chosen candidate, each row from the fold model that left it out.
        public var outOfFoldLogits: [Float]
        public var accuracy: Double
        /// The chosen recipe trained on every row.
        public var final: TrainingResult
    }

    /// Each row's fold, `0..<folds`.
    public let fold: [Int]
    public let folds: Int

    public init(fold: [Int], folds: Int) {
        precondition(folds >= 2 && fold.allSatisfy { (0..<folds).contains($0) }, "folds are 0..<k, k ≥ 2")
        self.fold = fold
        self.folds = folds
    }

    /// Folds from a per-row key (a content hash): stable as the set grows.
    public init(keys: [UInt64], folds: Int) {
        self.init(fold: keys.map { Int($0 % UInt64(folds)) }, folds: folds)
    }

    /// Scores every candidate on the folds, then, round after round until it
    /// offers nothing new, the refinements of the best so far; keeps the most
    /// accurate (the lower loss on a tie; with a `refinementMargin`, of the
    /// first round the most regularised within the margin of the most
    /// accurate, and a refinement only when it beats that by the margin),
    /// trains it on all rows and reports that run's epochs through `onEpoch`.
    /// A round's fold runs (every candidate's) share two workers, one thread
    /// each: these sets are too small to split a step over threads, and a
    /// round pooled leaves no core idle while a candidate's odd fold trains.
    public func run(
        rows: FeatureRows, labels: [Int32], classes: Int, candidates initial: [Candidate],
        refine: (Candidate) -> [Candidate] = { _ in [] }, refinementMargin: Double = 0,
        onEpoch: (EpochReport) throws -> Void = { _ in }
    ) throws -> Outcome {
        var candidates = initial
        precondition(!initial.isEmpty && rows.count == fold.count, "one fold per row, at least one candidate")
        let members = (0..<folds).map { f in fold.indices.filter { fold[$0] == f } }
        let usable = members.indices.filter { !members[$0].isEmpty && members[$0].count < rows.count }
        var scores: [Score] = [], logitsOf: [[Float]] = []
        var best: Int?
        var first = 0
        while first < candidates.count {
            let round = Array(first..<candidates.count)
            let jobs = round.flatMap { c in usable.map { (candidate: candidates[c], fold: $0) } }
            let parts = try ParallelFolds.map(Array(jobs.indices)) { j throws -> [Float] in
                let (candidate, f) = jobs[j]
                var options = candidate.options
                options.threads = 1
                let kept = fold.indices.filter { fold[$0] != f }
                let trained = try Trainer(options: options).train(
                    rows: rows.subset(kept), labels: kept.map { labels[$0] }, classes: classes,
                    augmentation: candidate.augmentation)
                return MultiClassNetwork(weights: trained.weights).activations(rows.subset(members[f])).logits
            }
            for (k, index) in round.enumerated() {
                var logits = [Float](repeating: 0, count: rows.count * classes)
                for (u, f) in usable.enumerated() {
                    let part = parts[k * usable.count + u]
                    for (j, row) in members[f].enumerated() {
                        for c in 0..<classes { logits[row * classes + c] = part[j * classes + c] }
                    }
                }
                let score = Self.score(logits: logits, labels: labels, classes: classes, candidate: candidates[index])
                scores.append(score)
                logitsOf.append(logits)
                // A refinement must beat the best by the margin; the first round compares plainly.
                let margin = index < initial.count ? 0 : refinementMargin
                if let b = best {
                    let better =
                        margin > 0
                        ? score.accuracy > scores[b].accuracy + margin
                        : score.accuracy > scores[b].accuracy || (score.accuracy == scores[b].accuracy && score.loss < scores[b].loss)
                    if better { best = index }
                } else {
                    best = index
                }
                // The first round ends: within the margin of the most accurate, the most regularised
                // wins. At a few hundred rows close scores differ by a row or two, noise, and the
                // weaker penalty is the one that generalises worse.
                if index + 1 == initial.count, refinementMargin > 0, let top = best {
                    let near = initial.indices.filter { scores[$0].accuracy >= scores[top].accuracy - refinementMargin }
                    best =
                        near.max(by: {
                            (candidates[$0].options.l2, scores[$0].accuracy) < (candidates[$1].options.l2, scores[$1].accuracy)
                        }) ?? top
                }
            }
            // A round ends: the next one refines the best so far, with nothing scored twice.
            first = candidates.count
            for next in refine(candidates[best!]) where !candidates.contains(next) { candidates.append(next) }
        }
        let chosen = candidates[best!]
        let final = try Trainer(options: chosen.options).train(
            rows: rows, labels: labels, classes: classes, augmentation: chosen.augmentation, onEpoch: onEpoch)
        return Outcome(
            chosen: chosen, scores: scores, outOfFoldLogits: logitsOf[best!], accuracy: scores[best!].accuracy, final: final)
    }

    static func score(logits: [Float], labels: [Int32], classes: Int, candidate: Candidate) -> Score {
        var right = 0, loss = 0.0
        for r in labels.indices {
            let row = logits[r * classes..<(r + 1) * classes]
            let top = row.max()!
            let sum = row.reduce(0.0) { $0 + Double(expf($1 - top)) }
            let label = Int(labels[r])
            loss += log(sum) - Double(row[row.startIndex + label] - top)
            if row.firstIndex(of: top)! - row.startIndex == label { right += 1 }
        }
        let n = Double(max(labels.count, 1))
        return Score(candidate: candidate, accuracy: Double(right) / n, loss: loss / n)
    }
}

/// Runs one closure per fold run on two workers (this machine's cores), each
/// taking every second run, and returns the results in order.
enum ParallelFolds {
    static func map<T: Sendable>(_ items: [Int], workers: Int = 2, _ body: (Int) throws -> T) throws -> [T] {
        var results = [Result<T, any Error>?](repeating: nil, count: items.count)
        results.withUnsafeMutableBufferPointer { slots in
            let out = Slots(base: slots.baseAddress!)
            ParallelParts.forEach(min(workers, items.count)) { worker in
                for i in stride(from: worker, to: items.count, by: workers) {
                    out.base[i] = Result { try body(items[i]) }
                }
            }
        }
        return try results.map { try $0!.get() }
    }

    /// Each worker writes only its own slots.
    private struct Slots<T>: @unchecked Sendable { let base: UnsafeMutablePointer<T> }
}
