import Foundation
import MCNDTestSupport
import Glibc
import MCNDImaging
import MCNDModel
import Testing

/// Fashion-MNIST, read once per test process. The IDX files are looked up in
/// `$FASHION_MNIST_DIR`, else in the Debian-style dataset folder.
enum Fashion {
    static let folder = ProcessInfo.processInfo.environment["FASHION_MNIST_DIR"] ?? "/usr/share/datasets/fashion-mnist"

    struct Split: Sendable {
        let images: IDXFile
        let labels: IDXFile

        var count: Int { labels.dimensions[0] }
        func label(_ i: Int) -> Int { Int(labels.bytes[i]) }
        func pixels(_ i: Int) -> [UInt8] { Array(images.bytes[i * 784 ..< (i + 1) * 784]) }
        func png(_ i: Int) throws -> [UInt8] {
            try PNGCodec.encode(DecodedImage(width: 28, height: 28, layout: .gray, pixels: pixels(i)))
        }

        /// The first `perClass` indices of each class in `classes` (file
        /// order), after skipping that class's first `skip`: a stratified subset.
        func stratified(perClass: Int, classes: some Sequence<Int>, skip: Int = 0) -> [Int] {
            let wanted = Set(classes)
            var seen = [Int](repeating: 0, count: 256)
            var out: [Int] = []
            for i in 0 ..< count where wanted.contains(label(i)) {
                let c = label(i)
                seen[c] += 1
                if seen[c] > skip && seen[c] <= skip + perClass { out.append(i) }
            }
            return out
        }

        /// Writes the images and labels at `indices` as two IDX files, for `mcnd import-idx`.
        func writeIDX(_ indices: [Int], to folder: URL, name: String) throws -> (images: String, labels: String) {
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

    static let train: Swift.Result<Split, any Error> = load("train")
    static let test: Swift.Result<Split, any Error> = load("t10k")

    private static func load(_ prefix: String) -> Swift.Result<Split, any Error> {
        Swift.Result {
            Split(images: try IDXFile.read(path: "\(folder)/\(prefix)-images-idx3-ubyte.gz"),
                  labels: try IDXFile.read(path: "\(folder)/\(prefix)-labels-idx1-ubyte.gz"))
        }
    }

    static func trainSplit() throws -> Split { try train.get() }
    static func testSplit() throws -> Split { try test.get() }

    static func name(_ label: Int) -> String { FashionMNIST.classNames[label] }
}

/// Small file helpers over Glibc, so that what the tests do to the inbox is
/// exactly what a careful writer does.
enum Files {
    static func write(_ bytes: [UInt8], to path: String) throws { try RawFile.write(bytes, to: path) }

    /// Writes `inbox/.name.tmp` and renames it into place, as the README tells writers to.
    static func drop(_ bytes: [UInt8], into inbox: URL, as relative: String) throws {
        let target = inbox.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = target.deletingLastPathComponent().appendingPathComponent("." + target.lastPathComponent + ".tmp")
        try write(bytes, to: temporary.path)
        guard rename(temporary.path, target.path) == 0 else {
            throw Failure("rename \(temporary.path): \(String(cString: strerror(errno)))")
        }
    }

    static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func size(_ path: String) -> Int? {
        var st = stat()
        return lstat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// Every regular file below `folder` (hidden ones included), as sorted
    /// paths relative to it; symlinks are not followed.
    static func regularFiles(under folder: URL) -> [String] {
        var out: [String] = []
        func walk(_ relative: String) {
            let path = relative.isEmpty ? folder.path : folder.path + "/" + relative
            guard let dir = opendir(path) else { return }
            defer { closedir(dir) }
            while let item = readdir(dir) {
                let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                var st = stat()
                guard lstat(folder.path + "/" + child, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: walk(child)
                case S_IFREG: out.append(child)
                default: out.append(child + " (not a regular file)")
                }
            }
        }
        walk("")
        return out.sorted()
    }

    /// SHA-256 (hex) of each file, computed by coreutils' `sha256sum` so the
    /// check does not share code with mcnd.
    static func sha256(_ paths: [String]) throws -> [String: String] {
        guard !paths.isEmpty else { return [:] }
        var out: [String: String] = [:]
        var start = 0
        while start < paths.count {
            let chunk = Array(paths[start ..< min(start + 500, paths.count)])
            start += chunk.count
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["sha256sum", "--"] + chunk
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw Failure("sha256sum exited \(process.terminationStatus)") }
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { continue }
                out[String(parts[1].drop { $0 == " " || $0 == "*" })] = String(parts[0])
            }
        }
        guard out.count == Set(paths).count else { throw Failure("sha256sum listed \(out.count) of \(paths.count) files") }
        return out
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// A temporary folder, removed when the test is done with it (kept when
/// `MCND_TEST_KEEP` is set, to look at after a failure).
final class Scratch {
    let url: URL

    init(_ name: String) throws {
        var template = Array((FileManager.default.temporaryDirectory.path + "/mcnd-e2e-\(name)-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Files.Failure("mkdtemp: \(String(cString: strerror(errno)))")
        }
        url = URL(fileURLWithPath: String(cString: made))
    }

    var path: String { url.path }
    func appending(_ component: String) -> URL { url.appendingPathComponent(component) }

    deinit {
        if ProcessInfo.processInfo.environment["MCND_TEST_KEEP"] == nil {
            try? FileManager.default.removeItem(at: url)
        }
    }
}

/// JSON lines as the outbox holds them.
enum JSONLines {
    /// The lines of `path` (empty when the file does not exist). Records an
    /// issue for a file that does not end in a newline (a torn last line) and
    /// for any line that is not one JSON object.
    static func lines(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Data] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        if let last = data.last {
            #expect(last == UInt8(ascii: "\n"), "\(path) does not end with a newline: a torn last line", sourceLocation: sourceLocation)
        }
        var parts = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if parts.last?.isEmpty == true { parts.removeLast() }
        var out: [Data] = []
        for (n, line) in parts.enumerated() {
            let object = try? JSONSerialization.jsonObject(with: Data(line))
            #expect(object is [String: Any], "\(path) line \(n + 1) is not a JSON object: \(String(decoding: line, as: UTF8.self))",
                    sourceLocation: sourceLocation)
            out.append(Data(line))
        }
        return out
    }

    /// The lines of `path` decoded as `T` (snake_case keys); lines that do not decode are issues.
    static func decode<T: Decodable>(_ type: T.Type, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> [T] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return lines(path, sourceLocation: sourceLocation).compactMap { line in
            do { return try decoder.decode(T.self, from: line) } catch {
                Issue.record("\(path): cannot decode \(String(decoding: line, as: UTF8.self)) as \(T.self): \(error)",
                             sourceLocation: sourceLocation)
                return nil
            }
        }
    }
}

/// The outbox lines the tests read, with the keys the README documents.
struct PredictionRecord: Decodable, Equatable {
    var file: String
    var sha256: String
    var label: String
    var confidence: Double
    var probabilities: [String: Double]
    var modelVersion: Int
    var time: String
}

struct LossRecord: Decodable {
    var run: Int
    var mode: String
    var epoch: Int
    var epochs: Int
    var loss: Double
    var valLoss: Double?
    var valAccuracy: Double?
    var trainSamples: Int
    var valSamples: Int
    var seconds: Double
    var time: String
}

struct EventRecord: Decodable {
    var event: String
    var time: String
    var file: String?
    var sha256: String?
    var reason: String?
    var label: String?
    var existingLabel: String?
    var movedTo: String?
    var run: Int?
    var mode: String?
    var outcome: String?
    var modelVersion: Int?
    var labels: [String]?
}

/// `mcnd status --json`.
struct StatusRecord: Decodable {
    struct Model: Decodable {
        var version: Int
        var labels: [String]
        var metrics: [String: Double]
    }
    struct Run: Decodable {
        var id: Int
        var mode: String
        var finished: String?
        var outcome: String?
    }
    struct Status: Decodable {
        var model: Model?
        var examplesPerLabel: [String: Int]
        var examples: Int
        var lastRun: Run?
    }
    var root: String
    var status: Status
    var pending: Int
    var pendingLabeled: Int

    static func of(root: String, scratch: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> StatusRecord {
        let result = try MCND.run(["status", "--root", root, "--json"], scratch: scratch)
        try #require(result.succeeded, "\(result)", sourceLocation: sourceLocation)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(StatusRecord.self, from: Data(result.stdout.utf8))
    }
}

/// RFC 3339 UTC with milliseconds, e.g. 2026-01-02T03:04:05.678Z.
func isRFC3339Milliseconds(_ s: String) -> Bool {
    let b = Array(s.utf8)
    guard b.count == 24 else { return false }
    let digits: Set<Int> = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22]
    for (i, c) in b.enumerated() {
        switch i {
        case 4, 7: if c != UInt8(ascii: "-") { return false }
        case 10: if c != UInt8(ascii: "T") { return false }
        case 13, 16: if c != UInt8(ascii: ":") { return false }
        case 19: if c != UInt8(ascii: ".") { return false }
        case 23: if c != UInt8(ascii: "Z") { return false }
        default: if !digits.contains(i) || !(UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(c) { return false }
        }
    }
    return true
}
