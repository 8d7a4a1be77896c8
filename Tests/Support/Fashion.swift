import Foundation
import MCNDImaging
import MCNDModel

/// Fashion-MNIST, read once per test process from `$FASHION_MNIST_DIR`, else
/// from the Debian-style dataset folder.
public enum Fashion {
    public static let folder = ProcessInfo.processInfo.environment["FASHION_MNIST_DIR"] ?? FashionMNIST.directory

    public struct Split: Sendable {
        public let images: IDXFile
        public let labels: IDXFile

        public var count: Int { labels.dimensions[0] }
        public func label(_ i: Int) -> Int { Int(labels.bytes[i]) }
        public func pixels(_ i: Int) -> [UInt8] { Array(images.bytes[i * 784..<(i + 1) * 784]) }
        public func png(_ i: Int) throws -> [UInt8] {
            try PNGCodec.encode(DecodedImage(width: 28, height: 28, layout: .gray, pixels: pixels(i)))
        }

        /// The first `perClass` indices of each class in `classes` (file
        /// order), after skipping that class's first `skip`: a stratified subset.
        public func stratified(perClass: Int, classes: some Sequence<Int>, skip: Int = 0) -> [Int] {
            let wanted = Set(classes)
            var seen = [Int](repeating: 0, count: 256)
            var out: [Int] = []
            for i in 0..<count where wanted.contains(label(i)) {
                let c = label(i)
                seen[c] += 1
                if seen[c] > skip && seen[c] <= skip + perClass { out.append(i) }
            }
            return out
        }

        /// Writes the images and labels at `indices` as two IDX files, for `mcnd import-idx`.
        public func writeIDX(_ indices: [Int], to folder: URL, name: String) throws -> (images: String, labels: String) {
            var pixels: [UInt8] = []
            pixels.reserveCapacity(indices.count * 784)
            for i in indices { pixels += self.pixels(i) }
            let images = folder.appendingPathComponent("\(name)-images.idx").path
            let labels = folder.appendingPathComponent("\(name)-labels.idx").path
            try Files.write(IDXFile(dimensions: [indices.count, 28, 28], bytes: pixels).encoded(), to: images)
            try Files.write(IDXFile(dimensions: [indices.count], bytes: indices.map { self.labels.bytes[$0] }).encoded(), to: labels)
            return (images, labels)
        }
    }

    public static let train: Result<Split, any Error> = load("train")
    public static let test: Result<Split, any Error> = load("t10k")

    private static func load(_ prefix: String) -> Result<Split, any Error> {
        Result {
            Split(
                images: try IDXFile.read(path: "\(folder)/\(prefix)-images-idx3-ubyte.gz"),
                labels: try IDXFile.read(path: "\(folder)/\(prefix)-labels-idx1-ubyte.gz"))
        }
    }

    public static func trainSplit() throws -> Split { try train.get() }
    public static func testSplit() throws -> Split { try test.get() }

    public static func name(_ label: Int) -> String { FashionMNIST.classNames[label] }
}
