/// Per-class confidence thresholds for a target precision, chosen on the
/// validation rows: for class c, the lowest threshold such that the rows
/// predicted as c with at least that confidence are right at least
/// `target` of the time.
public struct ClassThresholds: Sendable, Codable, Equatable {
    /// Where a class's threshold came from.
    public enum Source: String, Sendable, Codable {
        /// From the class's own validation predictions.
        case `class`
        /// Too few validation predictions of the class: the one threshold over all classes.
        case all
    }

    /// By label index; nil: no threshold reaches the target, every prediction of the class is reviewed.
    public var thresholds: [Double?]
    public var sources: [Source]
    /// Validation rows predicted as each class.
    public var support: [Int]
    /// The threshold over all classes pooled (the fallback).
    public var pooled: Double?

    /// One validation prediction: its class, calibrated confidence, and whether it was right.
    public struct Prediction: Sendable {
        public var label: Int
        public var confidence: Double
        public var correct: Bool
        public init(label: Int, confidence: Double, correct: Bool) {
            self.label = label
            self.confidence = confidence
            self.correct = correct
        }
    }

    /// `minimumSupport`: a class with fewer validation predictions uses the pooled threshold.
    public init(predictions: [Prediction], classes: Int, target: Double, minimumSupport: Int) {
        pooled = Self.lowest(predictions, target: target)
        var byClass = [[Prediction]](repeating: [], count: classes)
        for p in predictions where p.label < classes { byClass[p.label].append(p) }
        support = byClass.map(\.count)
        sources = byClass.map { $0.count >= minimumSupport ? .class : .all }
        thresholds = []
        for c in 0..<classes {
            thresholds.append(sources[c] == .class ? Self.lowest(byClass[c], target: target) : pooled)
        }
    }

    /// The lowest confidence t (among those seen) at which the predictions with
    /// confidence ≥ t have precision ≥ target; nil when none has. Walking from the
    /// most confident down, each prefix (ties kept together) is one candidate.
    static func lowest(_ predictions: [Prediction], target: Double) -> Double? {
        let sorted = predictions.sorted { $0.confidence > $1.confidence }
        var best: Double?
        var right = 0, i = 0
        while i < sorted.count {
            let t = sorted[i].confidence
            while i < sorted.count && sorted[i].confidence == t {
                if sorted[i].correct { right += 1 }
                i += 1
            }
            if Double(right) >= target * Double(i) { best = t }
        }
        return best
    }

    /// Whether a prediction of `label` with `confidence` clears its threshold.
    public func accepts(label: Int, confidence: Double) -> Bool {
        guard label < thresholds.count, let t = thresholds[label] else { return false }
        return confidence >= t
    }
}
