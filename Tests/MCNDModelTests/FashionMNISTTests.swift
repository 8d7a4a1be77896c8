import Foundation
import MCNDModel
import Testing

/// The book on real data: Fashion-MNIST, stratified 48,000/12,000.
@Suite(.serialized)
struct FashionMNISTTests {
    static let available = FileManager.default.fileExists(atPath: FashionMNIST.directory + "/train-images-idx3-ubyte.gz")

    static func split() throws -> (train: LabeledRows, validation: LabeledRows) {
        try FashionMNIST.load(.train).stratifiedSplit(validationFraction: 0.2)
    }

    @Test func stratifiedSplitIs48000By12000AndBalanced() throws {
        try #require(Self.available, "dataset-fashion-mnist is not installed")
        let (train, validation) = try Self.split()
        #expect(train.count == 48_000)
        #expect(validation.count == 12_000)
        for c in Int32(0)..<10 {
            #expect(validation.labels.filter { $0 == c }.count == 1_200)
        }
    }

    @Test func bookConfigurationReachesTheBooksAccuracy() throws {
        try #require(Self.available, "dataset-fashion-mnist is not installed")
        let (train, validation) = try Self.split()
        let result = try Trainer(options: .book).train(
            rows: train.rows, labels: train.labels, classes: 10,
            validation: (validation.rows, validation.labels)) { report in
                print("book epoch \(report.epoch): loss \(report.loss) val_loss \(report.validationLoss!) val_accuracy \(report.validationAccuracy!) \(report.seconds)s")
            }
        let accuracy = try #require(result.reports.last?.validationAccuracy)
        #expect(result.reports.count == 40)
        #expect(accuracy >= 0.805 && accuracy <= 0.825, "book configuration: \(accuracy), the book reports 0.8151")
    }

    @Test func defaultConfigurationReaches089() throws {
        try #require(Self.available, "dataset-fashion-mnist is not installed")
        let (train, validation) = try Self.split()
        let result = try Trainer(options: TrainingOptions()).train(
            rows: train.rows, labels: train.labels, classes: 10,
            validation: (validation.rows, validation.labels)) { report in
                print("default epoch \(report.epoch): loss \(report.loss) val_loss \(report.validationLoss!) val_accuracy \(report.validationAccuracy!) \(report.seconds)s")
            }
        let accuracy = try #require(result.reports.last?.validationAccuracy)
        #expect(accuracy >= 0.89, "default configuration: \(accuracy)")
    }
}
