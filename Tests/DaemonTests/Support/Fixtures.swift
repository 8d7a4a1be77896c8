import Foundation
import MCNDTestSupport
import Glibc
import MCNDImaging
import MCNDModel

/// Fashion-MNIST's training split, read once per test process from
/// `$FASHION_MNIST_DIR` or the Debian-style dataset folder.
enum Fashion {
    static let folder = ProcessInfo.processInfo.environment["FASHION_MNIST_DIR"] ?? FashionMNIST.directory

    struct Split: Sendable {
        let images: IDXFile
        let labels: IDXFile

        var count: Int { labels.dimensions[0] }
        func label(_ i: Int) -> Int { Int(labels.bytes[i]) }
        func pixels(_ i: Int) -> [UInt8] { Array(images.bytes[i * 784 ..< (i + 1) * 784]) }
        func png(_ i: Int) throws -> [UInt8] {
            try PNGCodec.encode(DecodedImage(width: 28, height: 28, layout: .gray, pixels: pixels(i)))
        }

        /// The first `perClass` indices of each class in `classes`, after skipping that class's first `skip`.
        func stratified(perClass: Int, classes: [Int], skip: Int = 0) -> [Int] {
            var seen = [Int](repeating: 0, count: 256)
            var out: [Int] = []
            for i in 0 ..< count where classes.contains(label(i)) {
                seen[label(i)] += 1
                if seen[label(i)] > skip && seen[label(i)] <= skip + perClass { out.append(i) }
            }
            return out
        }

        /// The images and labels at `indices` as two IDX files in `folder`, for `mcnd import-idx`.
        func writeIDX(_ indices: [Int], to folder: String) throws -> (images: String, labels: String) {
            var pixels: [UInt8] = []
            pixels.reserveCapacity(indices.count * 784)
            for i in indices { pixels += self.pixels(i) }
            let images = "\(folder)/subset-images.idx", labels = "\(folder)/subset-labels.idx"
            try Files.write(IDXFile(dimensions: [indices.count, 28, 28], bytes: pixels).encoded(), to: images)
            try Files.write(IDXFile(dimensions: [indices.count], bytes: indices.map { self.labels.bytes[$0] }).encoded(), to: labels)
            return (images, labels)
        }
    }

    static let train: Result<Split, any Error> = Result {
        Split(images: try IDXFile.read(path: "\(folder)/train-images-idx3-ubyte.gz"),
              labels: try IDXFile.read(path: "\(folder)/train-labels-idx1-ubyte.gz"))
    }

    static func trainSplit() throws -> Split { try train.get() }
    static func name(_ label: Int) -> String { FashionMNIST.classNames[label] }
}

/// What the tests do to the inbox, with plain system calls, as writers would.
enum Files {
    static func write(_ bytes: [UInt8], to path: String) throws { try RawFile.write(bytes, to: path) }

    static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, path: String) throws {
        try RawFile.writeAll(fd, bytes, path: path)
    }

    /// Writes `folder/.name.tmp`, then renames it to `folder/name`, as the README tells writers to.
    static func drop(_ bytes: [UInt8], into folder: String, as name: String) throws {
        let temporary = "\(folder)/.\(name).tmp"
        try write(bytes, to: temporary)
        try move(temporary, to: "\(folder)/\(name)")
    }

    static func move(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else { throw TestFailure("rename \(from) → \(to): \(String(cString: strerror(errno)))") }
    }

    static func makeFolder(_ path: String) throws {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw TestFailure("mkdir \(path): \(String(cString: strerror(errno)))") }
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// The names in `folder` (`.` and `..` excluded), unsorted; empty when it cannot be listed.
    static func names(in folder: String) -> [String] {
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        var out: [String] = []
        while let item = readdir(dir) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { out.append(name) }
        }
        return out
    }

    /// Every regular file below `folder`, as paths relative to it.
    static func files(under folder: String) -> [String] {
        var out: [String] = []
        func walk(_ relative: String) {
            for name in names(in: relative.isEmpty ? folder : "\(folder)/\(relative)") {
                let child = relative.isEmpty ? name : "\(relative)/\(name)"
                var st = stat()
                guard lstat("\(folder)/\(child)", &st) == 0 else { continue }
                if st.st_mode & S_IFMT == S_IFDIR { walk(child) } else { out.append(child) }
            }
        }
        walk("")
        return out.sorted()
    }

    /// SHA-256 (hex) of each file, by coreutils' `sha256sum`, so the check shares no code with mcnd.
    static func sha256(_ paths: [String], scratch: String) async throws -> [String: String] {
        var out: [String: String] = [:]
        var start = 0
        while start < paths.count {
            let chunk = Array(paths[start ..< min(start + 500, paths.count)])
            start += chunk.count
            let child = try Child("/usr/bin/env", ["sha256sum", "--"] + chunk, output: scratch)
            guard let exit = try await child.wait(timeout: 60), exit.succeeded else { throw TestFailure("sha256sum failed: \(child.stderr)") }
            for line in child.stdout.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { continue }
                out[String(parts[1].drop { $0 == " " || $0 == "*" })] = String(parts[0])
            }
        }
        return out
    }
}

/// A temporary folder, removed at the end (kept when `MCND_TEST_KEEP` is set).
final class Scratch {
    let path: String

    init(_ name: String) throws {
        var template = Array("\(FileManager.default.temporaryDirectory.path)/mcnd-daemon-\(name)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestFailure("mkdtemp: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    deinit {
        if ProcessInfo.processInfo.environment["MCND_TEST_KEEP"] == nil {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}

/// The JSON lines of an outbox file.
struct JSONLinesFile {
    let path: String

    /// Every line as an object, in order; throws on a torn last line or a line that is not a JSON object.
    func objects() throws -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return [] }
        guard data.last == UInt8(ascii: "\n") else { throw TestFailure("\(path) does not end with a newline (a torn last line)") }
        var out: [[String: Any]] = []
        for (n, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw TestFailure("\(path) line \(n + 1) is not a JSON object: \(String(decoding: line, as: UTF8.self))")
            }
            out.append(object)
        }
        return out
    }

    /// Like `objects()`, but a file being appended to may end mid-line: only complete lines count.
    func completeObjects() -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let end = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? data.startIndex
        return data[..<end].split(separator: UInt8(ascii: "\n")).compactMap {
            try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
        }
    }

    /// The `event` values of an events.jsonl.
    func events(_ name: String) -> [[String: Any]] {
        completeObjects().filter { $0["event"] as? String == name }
    }

    /// The `file` values of a predictions.jsonl.
    var files: [String] { completeObjects().compactMap { $0["file"] as? String } }
}

/// A root made with `mcnd init`, with the paths the tests look at.
struct Root {
    let path: String
    var inbox: String { "\(path)/inbox" }
    var outbox: String { "\(path)/outbox" }
    var predictions: JSONLinesFile { JSONLinesFile(path: "\(path)/outbox/predictions.jsonl") }
    var events: JSONLinesFile { JSONLinesFile(path: "\(path)/outbox/events.jsonl") }

    static func create(in scratch: Scratch) async throws -> Root {
        let root = Root(path: "\(scratch.path)/root")
        let child = try await Child.run(["init", root.path], in: scratch.path)
        guard child.exit?.succeeded == true else { throw TestFailure(child.transcript) }
        return root
    }

    /// Imports `perClass` Fashion-MNIST images of each class in `classes` as label
    /// folders under `folder` (e.g. a staging folder outside the inbox).
    func importLabeled(perClass: Int, classes: [Int], skip: Int = 0, into folder: String, scratch: Scratch) async throws {
        let split = try Fashion.trainSplit()
        let idx = try split.writeIDX(split.stratified(perClass: perClass, classes: classes, skip: skip), to: scratch.path)
        let child = try await Child.run(["import-idx", "--images", idx.images, "--labels", idx.labels, "--out", folder], in: scratch.path)
        guard child.exit?.succeeded == true else { throw TestFailure(child.transcript) }
    }

    /// A root with a trained model: `perClass` examples of `classes` through `mcnd --once`.
    static func trained(in scratch: Scratch, perClass: Int = 40, classes: [Int] = [0, 1, 7, 9]) async throws -> Root {
        let root = try await create(in: scratch)
        try await root.importLabeled(perClass: perClass, classes: classes, into: root.inbox, scratch: scratch)
        let once = try await Child.run(["--root", root.path, "--once", "--set", "settle_seconds=0", "--set", "train.epochs=3"],
                                       in: scratch.path)
        guard once.exit?.succeeded == true, once.stdout.contains("promoted model") else {
            throw TestFailure("no model was trained: \(once.transcript)")
        }
        return root
    }
}

/// A daemon on a root, with the notify socket it reports to.
final class Daemon {
    let child: Child
    let notify: NotifySocket

    /// Starts `mcnd --root ROOT` with `settings` as `--set` overrides and
    /// `NOTIFY_SOCKET` at a fresh socket in `scratch`.
    init(root: Root, scratch: Scratch, settings: [String], environment: [String: String] = [:]) throws {
        notify = try NotifySocket(path: "\(scratch.path)/notify.sock")
        var environment = environment
        environment["NOTIFY_SOCKET"] = notify.path
        child = try Child(try Binary.mcnd(), ["--root", root.path] + settings.flatMap { ["--set", $0] },
                          environment: environment, output: scratch.path)
    }

    /// Waits for READY=1, failing with the daemon's output if it exits or takes too long.
    func ready(timeout: Double = 30) async throws {
        var exited = false
        _ = try await eventually(timeout: timeout) {
            exited = !child.isRunning
            return exited || notify.received("READY=1")
        }
        guard notify.received("READY=1") else {
            throw TestFailure("no READY=1 within \(timeout) s\(exited ? "; the daemon exited" : ""): \(child.transcript)")
        }
    }

    /// Sends `signal` and waits for the exit.
    func stop(_ signal: Int32 = SIGTERM, timeout: Double = 15) async throws -> Child.Exit {
        child.signal(signal)
        guard let exit = try await child.wait(timeout: timeout) else {
            throw TestFailure("the daemon did not exit within \(timeout) s of signal \(signal): \(child.transcript)")
        }
        return exit
    }
}
