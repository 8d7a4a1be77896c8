import Foundation
import MCNDModel
import Testing

/// The review math: thresholds, temperature, ECE, and the model file with and without it.
struct ReviewCalibrationTests {
    typealias P = ClassThresholds.Prediction

    @Test func thresholdIsTheLowestConfidenceWhosePrefixMeetsTheTarget() {
        // Precision of the prefixes: 1/1, 2/2, 2/3, 3/4.
        let p = [
            P(label: 0, confidence: 0.9, correct: true), P(label: 0, confidence: 0.8, correct: true),
            P(label: 0, confidence: 0.7, correct: false), P(label: 0, confidence: 0.6, correct: true),
        ]
        #expect(ClassThresholds(predictions: p, classes: 1, target: 0.75, minimumSupport: 1).thresholds == [0.6])
        #expect(ClassThresholds(predictions: p, classes: 1, target: 0.9, minimumSupport: 1).thresholds == [0.8])
        #expect(ClassThresholds(predictions: p, classes: 1, target: 1.0, minimumSupport: 1).thresholds == [0.8])
        let wrong = [P(label: 0, confidence: 0.9, correct: false)]
        #expect(ClassThresholds(predictions: wrong, classes: 1, target: 0.5, minimumSupport: 1).thresholds == [nil])
    }

    @Test func aClassWithoutSupportUsesThePooledThreshold() {
        let p =
            (0..<10).map { P(label: 0, confidence: 0.5 + Double($0) / 100, correct: true) }
            + [P(label: 1, confidence: 0.99, correct: false)]
        let t = ClassThresholds(predictions: p, classes: 3, target: 0.9, minimumSupport: 5)
        #expect(t.sources == [.class, .all, .all])
        #expect(t.thresholds[0] == 0.5)
        #expect(t.thresholds[1] == t.pooled && t.thresholds[2] == t.pooled)
        #expect(t.pooled == 0.5)  // 10 right of 11 ≥ 0.9
    }

    @Test func temperatureMinimisesTheCrossEntropy() {
        // Over-confident logits: the right class wins by 6 but only 70 % of rows are right.
        var logits: [Float] = [], labels: [Int32] = []
        for r in 0..<100 {
            logits += [6, 0, 0]
            labels.append(r % 10 < 7 ? 0 : 1)
        }
        let t = TemperatureScaling.fit(logits: logits, labels: labels, classes: 3)
        func loss(_ t: Double) -> Double {
            labels.indices.map {
                -log(Double(TemperatureScaling.probabilities(logits[$0 * 3..<$0 * 3 + 3], temperature: t)[Int(labels[$0])]))
            }
            .reduce(0, +)
        }
        #expect(t > 1)
        #expect(loss(t) <= loss(1) && loss(t) <= loss(t * 1.05) && loss(t) <= loss(t / 1.05))
        // Calibrated, the top confidence is the accuracy.
        #expect(abs(Double(TemperatureScaling.probabilities(logits[0..<3], temperature: t)[0]) - 0.7) < 0.01)
    }

    @Test func expectedCalibrationErrorWeighsBinsByTheirRows() {
        #expect(CalibrationError.expected(confidences: [0.9, 0.9], correct: [true, false]) == 0.4)
        #expect(abs(CalibrationError.expected(confidences: [0.95, 0.95, 0.5, 0.5], correct: [true, true, true, false]) - 0.025) < 1e-12)
    }

    /// A calibration at a million examples cost 30 s (the subspace fit's nine
    /// passes over every training row): beyond 60,000 rows of a part it is
    /// fitted on that many evenly spaced ones, which gives exactly the fit on
    /// those rows. The rows come a label at a time, as label folders are ingested.
    @Test func aCalibrationBeyondSixtyThousandRowsIsFittedOnEvenlySpacedOnes() throws {
        let n = 150_007, kept = 60_000, width = 12
        var generator = SeededGenerator(seed: 5)
        let labels = (0..<n).map { Int32($0 * 3 / n) }
        let values = labels.flatMap { label in (0..<width).map { j in Float(generator.unit()) * 0.5 + (j % 3 == Int(label) ? 0.5 : 0) } }
        let data = LabeledRows(rows: FeatureRows(values: values, width: width), labels: labels)
        let spaced = (0..<kept).map { $0 * n / kept }
        let sample = data.subset(spaced)
        #expect((0..<3).allSatisfy { c in abs(sample.labels.filter { $0 == c }.count - kept / 3) <= 1 }, "every label in its share")
        let network = MultiClassNetwork(weights: ModelFileTests.sample().weights)
        let whole = try #require(
            ReviewCalibration.fit(network: network, train: data, validation: data, targetPrecision: 0.9, minimumSupport: 5))
        let fitted = try #require(
            ReviewCalibration.fit(network: network, train: sample, validation: sample, targetPrecision: 0.9, minimumSupport: 5))
        // Compared as one value: on a mismatch the expansion of both calibrations would fill pages.
        let same = whole == fitted
        #expect(same, "the fit on every row differs from the fit on the evenly spaced rows")
        #expect(whole.validationRows == kept)
    }

    @Test func modelFilesWithAndWithoutReviewLoad() throws {
        var model = ModelFileTests.sample()
        #expect(try ModelFile(decoding: model.encoded()).review == nil, "a model file without review data (as older ones) loads")
        let network = MultiClassNetwork(weights: model.weights)
        var generator = SeededGenerator(seed: 3)
        let rows = FeatureRows(values: (0..<12 * 60).map { _ in Float(generator.unit()) }, width: 12)
        let labels = (0..<60).map { Int32($0 % 3) }
        let data = LabeledRows(rows: rows, labels: labels)
        model.review = ReviewCalibration.fit(network: network, train: data, validation: data, targetPrecision: 0.5, minimumSupport: 5)
        let review = try #require(model.review)
        #expect(review.familiarity != nil && review.inputCheck != nil && review.thresholds != nil)
        #expect(try ModelFile(decoding: model.encoded()) == model)
    }
}
