import Foundation
import MCNDModel
import Testing

/// The newer familiarity checks (tied-covariance Mahalanobis in `a1`, pixel
/// density) and model files from before them.
struct FamiliarityChecksTests {
    /// Two classes in 2-D, each spread along the diagonal: `(t, t) + small noise`.
    static func diagonalClasses(_ count: Int, seed: UInt64) -> (hidden: [Float], labels: [Int32]) {
        var generator = SeededGenerator(seed: seed)
        var hidden: [Float] = [], labels: [Int32] = []
        for r in 0..<count {
            let c = r % 2, t = generator.normal(), offset = c == 0 ? 0.0 : 6
            hidden += [Float(offset + t + 0.05 * generator.normal()), Float(t + 0.05 * generator.normal())]
            labels.append(Int32(c))
        }
        return (hidden, labels)
    }

    @Test func mahalanobisFlagsWhatLiesAcrossTheDirectionsThatVary() throws {
        let train = Self.diagonalClasses(2000, seed: 1), validation = Self.diagonalClasses(1000, seed: 2)
        let check = try #require(
            MahalanobisCheck(
                trainHidden: train.hidden, trainLabels: train.labels,
                validationHidden: validation.hidden, units: 2, classes: 2, quantile: 0.995))
        // (2, 2) is 2.8 from class 0's mean, along its spread; (0.7, -0.7) is 1.0 away, across it.
        #expect(!check.unfamiliar([2, 2]))
        #expect(check.unfamiliar([0.7, -0.7]))
        #expect(!check.unfamiliar([7, 1]), "class 1's mean is (6, 0)")
        let flagged = (0..<1000).filter { check.unfamiliar(validation.hidden[$0 * 2..<$0 * 2 + 2]) }.count
        #expect(flagged == 5, "the 99.5th percentile of 1,000 validation scores leaves 5 above it")
    }

    @Test func pixelDensityFlagsLightWhereTrainingImagesAreAlwaysDark() throws {
        var generator = SeededGenerator(seed: 5)
        // Value 0 is always about 0 (a dark corner), value 1 anything in 0…1.
        let rows = { (n: Int, g: inout SeededGenerator) in
            FeatureRows(values: (0..<n).flatMap { _ in [Float(0.01 * g.unit()), Float(g.unit())] }, width: 2)
        }
        let check = try #require(PixelDensityCheck(train: rows(2000, &generator), validation: rows(1000, &generator), quantile: 0.995))
        #expect(!check.unfamiliar([0.005, 0.95]))
        #expect(check.unfamiliar([0.5, 0.5]))
    }

    @Test func neighbourCheckFlagsWhatLiesBetweenTheTrainingRows() throws {
        // Two tight clusters on a line, at 0 and 10: 5 lies within their span
        // (a subspace or a Gaussian over both would take it) but near neither.
        var generator = SeededGenerator(seed: 7)
        let rows = { (n: Int, g: inout SeededGenerator) -> [Float] in
            (0..<n).flatMap { r in [Float((r % 2 == 0 ? 0 : 10) + 0.1 * g.normal()), Float(0.1 * g.normal())] }
        }
        let check = try #require(
            InputNeighbourCheck(train: rows(2000, &generator), validation: rows(1000, &generator), width: 2, prototypes: 8, quantile: 0.995)
        )
        #expect(check.scores([0.05, 0, 10, 0.05, 5, 0]).map { $0 > check.cutoff } == [false, false, true])
    }

    @Test func modelsFromBeforeTheNewChecksLoadAndKeepTheOldOnes() throws {
        let model = ModelFileTests.sample()
        var generator = SeededGenerator(seed: 3)
        let rows = FeatureRows(values: (0..<12 * 60).map { _ in Float(generator.unit()) }, width: 12)
        let data = LabeledRows(rows: rows, labels: (0..<60).map { Int32($0 % 3) })
        let fitted = try #require(
            ReviewCalibration.fit(
                network: MultiClassNetwork(weights: model.weights), train: data,
                validation: data, targetPrecision: 0.5, minimumSupport: 5))
        #expect(fitted.mahalanobis != nil && fitted.pixelDensity != nil && fitted.familiarity != nil && fitted.inputCheck != nil)
        #expect(fitted.neighbours != nil)
        // The meta of an older model: the same object without the new keys.
        var object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(fitted)) as? [String: Any])
        object["mahalanobis"] = nil
        object["pixelDensity"] = nil
        object["neighbours"] = nil
        let old = try JSONDecoder().decode(ReviewCalibration.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.mahalanobis == nil && old.pixelDensity == nil && old.neighbours == nil)
        #expect(old.familiarity == fitted.familiarity && old.inputCheck == fitted.inputCheck && old.thresholds == fitted.thresholds)
    }
}
