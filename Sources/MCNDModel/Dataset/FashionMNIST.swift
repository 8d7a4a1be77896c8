/// The book's dataset, as installed by Debian's `dataset-fashion-mnist`.
public enum FashionMNIST {
    public static let directory = "/usr/share/datasets/fashion-mnist"

    /// The class names as folder names (`/` in "T-shirt/top" is not allowed in one).
    public static let classNames = [
        "T-shirt_top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot",
    ]

    public enum Part: String, Sendable {
        case train
        case test = "t10k"
    }

    /// Images (28×28 bytes per row) and labels of `part`, read from `directory`.
    public static func load(_ part: Part, directory: String = directory) throws -> LabeledRows {
        let images = try IDXFile.read(path: "\(directory)/\(part.rawValue)-images-idx3-ubyte.gz")
        let labels = try IDXFile.read(path: "\(directory)/\(part.rawValue)-labels-idx1-ubyte.gz")
        guard images.dimensions.count == 3, labels.dimensions.count == 1, images.dimensions[0] == labels.dimensions[0] else {
            throw IDXFile.Failure.notIDX(
                path: directory, reason: "images \(images.dimensions) and labels \(labels.dimensions) do not match")
        }
        return LabeledRows(
            rows: FeatureRows(pixels: images.bytes, width: images.dimensions[1] * images.dimensions[2]),
            labels: labels.bytes.map { Int32($0) })
    }
}
