import MCNDFileSystem
import MCNDModel

/// Turns an IDX image file and its label file (MNIST layout, gzipped or not)
/// into labelled folders of 8-bit gray PNGs: `DIR/<label>/<n>.png`, `n` being
/// the image's index in the IDX file.
public struct IDXImporter: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible, Equatable {
        public let message: String
        public var description: String { message }
        public init(_ message: String) { self.message = message }
    }

    /// What an import wrote.
    public struct Summary: Sendable, Equatable {
        public let written: Int
        /// Images per label name, in class order.
        public let counts: [(name: String, count: Int)]

        public static func == (a: Summary, b: Summary) -> Bool {
            a.written == b.written && a.counts.map(\.name) == b.counts.map(\.name) && a.counts.map(\.count) == b.counts.map(\.count)
        }
    }

    public let images: IDXFile
    public let labels: IDXFile
    /// One folder name per class index.
    public let names: [String]

    /// Checks that `images` (N×H×W) and `labels` (N) belong together and picks
    /// the class names: `names` when given, else Fashion-MNIST's when the files
    /// look like Fashion-MNIST (28×28, labels 0…9), else the label numbers.
    public init(images: IDXFile, labels: IDXFile, names: [String]? = nil) throws(Failure) {
        guard images.dimensions.count == 3, images.dimensions[1] > 0, images.dimensions[2] > 0 else {
            throw Failure("the images file has dimensions \(images.dimensions); expected count × height × width")
        }
        guard labels.dimensions.count == 1, labels.dimensions[0] == images.dimensions[0] else {
            throw Failure("the labels file has dimensions \(labels.dimensions); expected [\(images.dimensions[0])]")
        }
        let classes = Int(labels.bytes.max() ?? 0) + 1
        let chosen: [String]
        if let names {
            guard names.count >= classes else {
                throw Failure("\(names.count) names given but the labels go up to \(classes - 1)")
            }
            chosen = names
        } else if Self.looksLikeFashionMNIST(images: images, classes: classes) {
            chosen = FashionMNIST.classNames
        } else {
            chosen = (0..<classes).map(String.init)
        }
        for name in chosen {
            if let problem = Self.folderNameProblem(name) { throw Failure("bad class name \"\(name)\": \(problem)") }
        }
        guard Set(chosen).count == chosen.count else { throw Failure("class names must be distinct: \(chosen)") }
        self.images = images
        self.labels = labels
        self.names = chosen
    }

    /// Reads both files (gzipped or not) from disk.
    public init(imagesPath: String, labelsPath: String, names: [String]? = nil) throws {
        try self.init(images: IDXFile.read(path: imagesPath), labels: IDXFile.read(path: labelsPath), names: names)
    }

    static func looksLikeFashionMNIST(images: IDXFile, classes: Int) -> Bool {
        images.dimensions[1] == 28 && images.dimensions[2] == 28 && classes <= 10
    }

    /// Why `name` cannot be a label folder, or nil when it can. Label folders
    /// are single path components that mcnd does not ignore: not empty, not
    /// `.`/`..`, no `/` or NUL or control characters, not starting with `.`
    /// or `_`, at most 255 bytes.
    public static func folderNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.utf8.count > 255 { return "it is longer than 255 bytes" }
        if name.hasPrefix(".") || name.hasPrefix("_") { return "names starting with '.' or '_' are ignored by mcnd" }
        if name.contains("/") { return "it contains '/'" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "it contains a control character"
        }
        return nil
    }

    /// Image `index` as a gray `DecodedImage`.
    public func image(at index: Int) -> DecodedImage {
        let (h, w) = (images.dimensions[1], images.dimensions[2])
        let start = index * h * w
        return DecodedImage(width: w, height: h, layout: .gray, pixels: Array(images.bytes[start..<start + h * w]))
    }

    /// The class name of image `index`.
    public func name(at index: Int) -> String { names[Int(labels.bytes[index])] }

    /// Writes every image to `directory/<label>/<index>.png`, creating
    /// `directory` and the folders of the labels that occur. Each file is written as `.<index>.png.tmp` and renamed into
    /// place, so a watcher on `directory` (which may be mcnd's inbox) never
    /// sees a partial PNG. Existing files of the same name are replaced.
    public func write(to directory: String) throws -> Summary {
        var counts = [Int](repeating: 0, count: names.count)
        do {
            let out = try Directory.open(path: directory, creating: true)
            for index in 0..<images.dimensions[0] {
                let png = try PNGCodec.encode(image(at: index))
                let label = Int(labels.bytes[index])
                let folder = RawPath(names[label])
                if counts[label] == 0 { try out.makeDirectory(folder) }
                // Each file fsynced before its rename (a watcher never sees a partial PNG, even after a power cut);
                // each folder once at the end.
                try out.writeFileAtomically(png, to: folder + RawPath("\(index).png"), syncFolder: false)
                counts[label] += 1
            }
            for (label, n) in counts.enumerated() where n > 0 { try out.sync(RawPath(names[label])) }
            try out.sync()
        } catch let error as FileSystemError {
            throw Failure("cannot write \(error.path): \(error.errno)")
        }
        return Summary(written: images.dimensions[0], counts: zip(names, counts).map { ($0, $1) })
    }
}
