import Foundation
import MCNDModel
import Testing

/// The augmentation `auto` lets the cross-validation try: a share of the
/// images shifted, and mirroring only for the labels that look alike in a mirror.
struct MirrorAugmentationTests {
    /// `count` copies of a 6×5 image with one bright pixel at (1, 2): off the
    /// vertical axis, so a mirror or a shift moves it.
    static func dots(_ count: Int) -> FeatureRows {
        var pixels = [UInt8](repeating: 0, count: 30)
        pixels[2 * 6 + 1] = 200
        return FeatureRows(pixels: Array((0..<count).map { _ in pixels }.joined()), width: 30)
    }

    static func places(_ rows: FeatureRows) throws -> [Int] {
        guard case .pixels(let out) = rows.storage else { throw MirrorTestFailure.notPixels }
        return (0..<rows.count).map { r in out[r * 30..<(r + 1) * 30].firstIndex(of: 200).map { $0 - r * 30 } ?? -1 }
    }

    @Test("a shift moves about shift_share of the images; the others train as they are")
    func shiftShare() throws {
        let rows = Self.dots(2000)
        let augmentation = ImageAugmentation(width: 6, height: 5, channels: 1, maxShift: 1, shiftShare: 0.3)
        var generator = SeededGenerator(seed: 3)
        let places = try Self.places(augmentation.apply(to: rows, labels: .init(repeating: 0, count: 2000), generator: &generator))
        let still = Double(places.filter { $0 == 2 * 6 + 1 }.count) / 2000
        // Unmoved: the 70 % not drawn, and the drawn ones whose offset is (0, 0) (1 in 9).
        #expect(abs(still - (0.7 + 0.3 / 9)) < 0.04, "\(still) of the images unmoved")
        #expect(Set(places).count == 9, "the moved ones take all nine offsets")
    }

    @Test("mirroring touches only the labels marked mirror-symmetric, about half of their images")
    func mirroredLabels() throws {
        let rows = Self.dots(400)
        let labels = (0..<400).map { Int32($0 % 2) }
        let augmentation = ImageAugmentation(width: 6, height: 5, channels: 1, maxShift: 0, mirroredLabels: [false, true])
        var generator = SeededGenerator(seed: 5)
        let places = try Self.places(augmentation.apply(to: rows, labels: labels, generator: &generator))
        let mirrored = zip(places, labels).filter { $0.0 == 2 * 6 + 4 }
        #expect(mirrored.allSatisfy { $0.1 == 1 }, "label 0 is never mirrored")
        #expect((80...120).contains(mirrored.count), "\(mirrored.count) of 200 images of label 1 mirrored")
    }

    @Test("a label is mirror-symmetric when its mean image is: a centred bar is, a corner mark is not")
    func symmetryOfMeans() {
        // Label 0: a vertical bar in the middle column of a 5×4 image; label 1: a mark in the left column.
        var pixels: [UInt8] = []
        var labels: [Int32] = []
        for r in 0..<20 {
            var image = [UInt8](repeating: 0, count: 20)
            for y in 0..<4 { image[y * 5 + (r % 2 == 0 ? 2 : 0)] = UInt8(100 + r) }
            pixels += image
            labels.append(Int32(r % 2))
        }
        let rows = FeatureRows(pixels: pixels, width: 20)
        #expect(MirrorSymmetry.labels(rows: rows, labels: labels, classes: 3, width: 5, height: 4, channels: 1) == [true, false, false])
    }

    @Test(
        "Fashion-MNIST: tops, trousers, dresses, coats, shirts and bags are mirror-symmetric; sandals, sneakers and boots are not",
        .enabled(if: FashionMNISTTests.available, "dataset-fashion-mnist is not installed"))
    func fashionSymmetry() throws {
        let first = try FashionMNIST.load(.train).subset(Array(0..<3000))
        let symmetric = MirrorSymmetry.labels(rows: first.rows, labels: first.labels, classes: 10, width: 28, height: 28, channels: 1)
        #expect(symmetric == [true, true, true, true, true, false, true, false, true, false], "\(symmetric)")
    }

    @Test("augment auto: the best shifted penalty is tried unshifted and, with flip auto, with the symmetric labels mirrored")
    func refinementRound() {
        var recipe = TrainingRecipe()
        #expect(recipe.augmentFlip == .off, "mirroring is asked for, not a default")
        recipe.augmentFlip = .auto
        let image = recipe.augmentation(width: 28, height: 28, channels: 1)
        #expect(!image.flip && image.maxShift == 1 && image.shiftShare == ImageAugmentation.defaultShiftShare)
        let best = recipe.candidates(TrainingOptions(), rows: 300, image: image).last!
        #expect(best.options.l2 == 0.1 && best.augmentation == image)
        let mirrorable = [true, false, true]
        let refined = recipe.refinements(of: best, image: image, mirrorable: mirrorable)
        #expect(refined.map(\.augmentation?.mirroredLabels) == [nil, mirrorable])
        #expect(refined.allSatisfy { $0.options == best.options })
        #expect(refined[1].augmentation?.maxShift == 1, "the mirrored candidate keeps its shifts")
        #expect(refined.allSatisfy { recipe.refinements(of: $0, image: image, mirrorable: mirrorable).isEmpty }, "one round")
        #expect(recipe.refinements(of: best, image: image, mirrorable: [false, false, false]).count == 1, "nothing symmetric")
        recipe.augmentFlip = .off
        #expect(recipe.refinements(of: best, image: image, mirrorable: mirrorable).count == 1)
        recipe.augmentFlip = .on
        #expect(recipe.augmentation(width: 28, height: 28, channels: 1).flip)
        recipe.augment = .off
        #expect(recipe.candidates(TrainingOptions(), rows: 300, image: image).allSatisfy { $0.augmentation == nil })
    }

    @Test("a refinement replaces the best only when its out-of-fold accuracy is higher by the margin")
    func margin() throws {
        let data = TrainerTests.blobs(count: 90, seed: 8)
        var weak = TrainerTests.options
        weak.learningRate = 0.001
        weak.epochs = 1
        var strong = TrainerTests.options
        strong.epochs = 10
        let cv = CrossValidation(keys: (0..<90).map { UInt64($0) &* 2_654_435_761 }, folds: 3)
        func run(_ margin: Double) throws -> CrossValidation.Outcome {
            try cv.run(
                rows: data.rows, labels: data.labels, classes: 3, candidates: [.init(options: weak)],
                refine: { _ in [.init(options: strong)] }, refinementMargin: margin)
        }
        let small = try run(0.01), impossible = try run(1)
        #expect(small.scores.count == 2 && small.scores[1].accuracy > small.scores[0].accuracy + 0.01, "\(small.scores.map(\.accuracy))")
        #expect(small.chosen.options == strong)
        #expect(impossible.chosen.options == weak, "not better by a margin of 1")
    }

    @Test("cross-validation runs the rounds until they offer nothing new and keeps the most accurate")
    func rounds() throws {
        let data = TrainerTests.blobs(count: 80, seed: 7)
        var options = TrainerTests.options
        options.epochs = 3
        let cv = CrossValidation(keys: (0..<80).map { UInt64($0) &* 2_654_435_761 }, folds: 4)
        var asked = 0
        let outcome = try cv.run(
            rows: data.rows, labels: data.labels, classes: 3, candidates: [.init(options: options)],
            refine: { _ in
                // Two rounds of something new, then one already scored: the end.
                asked += 1
                var o = options
                o.epochs = [6, 9, 3][min(asked - 1, 2)]
                return [.init(options: o)]
            })
        #expect(outcome.scores.map(\.candidate.options.epochs) == [3, 6, 9], "a round per refinement, none scored twice")
        #expect(asked == 3)
        #expect(outcome.accuracy == outcome.scores.map(\.accuracy).max())
    }
}

enum MirrorTestFailure: Error { case notPixels }
