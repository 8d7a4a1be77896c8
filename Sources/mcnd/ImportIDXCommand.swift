import ArgumentParser
import MCNDImaging

/// `mcnd import-idx`: IDX files (e.g. Fashion-MNIST's) → labelled PNG folders.
struct ImportIDXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-idx",
        abstract: "Turn an IDX image file and its label file into DIR/<label>/<n>.png.",
        discussion: """
            Both files may be gzipped. Images are written as 8-bit gray PNGs named after \
            their index in the IDX file, each through a hidden temporary file and a rename, \
            so DIR may be mcnd's inbox. Class names default to Fashion-MNIST's \
            (T-shirt_top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, \
            Ankle_boot) for 28×28 images with labels 0…9, and to the label numbers \
            otherwise; for MNIST digits pass --names 0,1,2,3,4,5,6,7,8,9.
            """)

    @Option(name: .long, help: "The IDX image file (count × height × width unsigned bytes).")
    var images: String

    @Option(name: .long, help: "The IDX label file (one unsigned byte per image).")
    var labels: String

    @Option(name: .long, help: "Comma-separated folder names, one per label value 0, 1, 2, …")
    var names: String?

    @Option(name: .long, help: "The folder to write into (created if missing).")
    var out: String

    func run() throws {
        let list = names.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let importer: IDXImporter
        do {
            importer = try IDXImporter(imagesPath: images, labelsPath: labels, names: list)
        } catch {
            throw ValidationError("\(error)")
        }
        let summary = try importer.write(to: out)
        let perLabel = summary.counts.filter { $0.count > 0 }.map { "\($0.name) \($0.count)" }.joined(separator: ", ")
        print("wrote \(summary.written) PNGs to \(out): \(perLabel)")
    }
}
