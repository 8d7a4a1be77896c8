import Foundation
import MCNDTestSupport
import Glibc
import MCNDImaging
import Testing

/// The `mcnd` executable beside this test bundle.
enum Binary {
    static func mcnd() throws -> String { try MCNDBinary.path() }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// Monotonic seconds.
func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Polls `condition` until it holds or `timeout` seconds pass.
func eventually(timeout: Double, _ condition: () throws -> Bool) throws -> Bool {
    let deadline = monotonic() + timeout
    while true {
        if try condition() { return true }
        if monotonic() >= deadline { return false }
        usleep(20_000)
    }
}

/// A child process (posix_spawn), output to files; killed if still running when released.
final class Child {
    let arguments: [String]
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private(set) var exit: (status: Int32, signaled: Bool)?

    init(_ executable: String, _ arguments: [String], output folder: String) throws {
        self.arguments = [executable] + arguments
        let tag = "\(getpid())-\(Int(monotonic() * 1e6))-\(UInt32.random(in: 0 ... .max))"
        stdoutPath = "\(folder)/child-\(tag).out"
        stderrPath = "\(folder)/child-\(tag).err"
        pid = try ChildProcess.spawn(executable, argv: self.arguments, stdout: stdoutPath, stderr: stderrPath)
    }

    deinit {
        if exit == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        unlink(stdoutPath)
        unlink(stderrPath)
    }

    @discardableResult
    func poll() -> (status: Int32, signaled: Bool)? {
        if let exit { return exit }
        exit = ChildProcess.reap(pid, block: false)
        return exit
    }

    var isRunning: Bool { poll() == nil }
    var succeeded: Bool { exit.map { !$0.signaled && $0.status == 0 } ?? false }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func wait(timeout: Double) throws {
        guard try eventually(timeout: timeout, { poll() != nil }) else {
            throw TestFailure("\(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
    }

    /// SIGTERM, then wait (SIGKILL after `timeout`).
    func stop(timeout: Double = 30) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        if (try? wait(timeout: timeout)) == nil { kill(pid, SIGKILL); try? wait(timeout: 10) }
    }

    var transcript: String {
        let how = exit.map { $0.signaled ? "killed by signal \($0.status)" : "exit \($0.status)" } ?? "still running"
        return "\(arguments.joined(separator: " ")) → \(how)\nstdout: \(stdout)\nstderr: \(stderr)"
    }

    /// The line `mcnd: reason` a failed command prints (log lines have a time stamp first).
    var reasonLines: [Substring] { stderr.split(separator: "\n").filter { $0.hasPrefix("mcnd: ") } }
}

/// Runs `mcnd` (optionally as an unprivileged user through `setpriv`).
enum MCND {
    /// The command prefix that runs a program as uid/gid 65534, or nil with the reason it cannot.
    static let unprivileged: Result<[String], TestFailure> = {
        guard getuid() == 0 else { return .failure(TestFailure("not running as root, so the test cannot switch to another user")) }
        for tool in ["/usr/bin/setpriv", "/bin/setpriv"] where access(tool, X_OK) == 0 {
            return .success([tool, "--reuid=65534", "--regid=65534", "--clear-groups"])
        }
        for tool in ["/usr/sbin/runuser", "/sbin/runuser"] where access(tool, X_OK) == 0 {
            return .success([tool, "-u", "nobody", "--"])
        }
        return .failure(TestFailure("neither setpriv nor runuser is installed"))
    }()

    static func start(_ arguments: [String], output folder: String, asUser: Bool = false) throws -> Child {
        let binary = try Binary.mcnd()
        if asUser {
            let prefix = try unprivileged.get()
            return try Child(prefix[0], Array(prefix.dropFirst()) + [binary] + arguments, output: folder)
        }
        return try Child(binary, arguments, output: folder)
    }

    static func run(_ arguments: [String], output folder: String, asUser: Bool = false, timeout: Double = 180) throws -> Child {
        let child = try start(arguments, output: folder, asUser: asUser)
        try child.wait(timeout: timeout)
        return child
    }

    /// `mcnd --root R --once` with settle 0 and a short first run. Truncated files the tests write are
    /// cut off for good, so they are rejected at once (no incomplete_grace_seconds).
    static func once(_ root: String, output folder: String, asUser: Bool = false, _ settings: [String] = []) throws -> Child {
        try run(["--root", root, "--once", "--set", "settle_seconds=0", "--set", "incomplete_grace_seconds=0",
                 "--set", "train.epochs=2", "--set", "train.units=16"]
            + settings.flatMap { ["--set", $0] }, output: folder, asUser: asUser)
    }
}

/// A temporary folder, removed at the end (kept with `MCND_TEST_KEEP`). World-traversable so
/// that an unprivileged mcnd can reach a root inside it.
final class Scratch {
    let path: String

    init(_ name: String) throws {
        var template = Array((FileManager.default.temporaryDirectory.path + "/mcnd-fault-\(name)-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestFailure("mkdtemp: \(errnoText())")
        }
        path = String(cString: made)
        chmod(path, 0o755)
    }

    deinit {
        if ProcessInfo.processInfo.environment["MCND_TEST_KEEP"] == nil {
            // Undo chmods a test may have left, then remove.
            _ = try? Shell.run(["/bin/chmod", "-R", "u+rwX", path])
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}

/// Plain commands (mount, python3, …).
enum Shell {
    struct Output { var status: Int32; var stdout: String; var stderr: String }

    @discardableResult
    static func run(_ arguments: [String], input: Data? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try process.run()
        if let input {
            inPipe.fileHandleForWriting.write(input)
            try inPipe.fileHandleForWriting.close()
        }
        // Read both pipes concurrently enough for the small outputs used here.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func which(_ names: [String]) -> String? {
        for folder in ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
            for name in names where access("\(folder)/\(name)", X_OK) == 0 { return "\(folder)/\(name)" }
        }
        return nil
    }
}

/// File operations on raw byte paths, as writers do them.
enum Files {
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    static func withPath<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (path.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    static func write(_ content: [UInt8], to path: [UInt8]) throws { try RawFile.write(content, to: path) }
    static func write(_ content: [UInt8], to path: String) throws { try write(content, to: bytes(path)) }

    /// Writes `folder/.tmp-N` and renames it to `folder/name` (raw bytes), as the README tells writers to.
    static func drop(_ content: [UInt8], into folder: [UInt8], as name: [UInt8]) throws {
        let temporary = folder + bytes("/.drop-\(UInt64.random(in: 0 ... .max)).tmp")
        try write(content, to: temporary)
        try move(temporary, to: folder + [47] + name)
    }

    static func drop(_ content: [UInt8], into folder: String, as name: String) throws { try drop(content, into: bytes(folder), as: bytes(name)) }

    static func move(_ from: [UInt8], to: [UInt8]) throws {
        let r = withPath(from) { f in withPath(to) { t in rename(f, t) } }
        guard r == 0 else { throw TestFailure("rename \(String(decoding: from, as: UTF8.self)) → \(String(decoding: to, as: UTF8.self)): \(errnoText())") }
    }

    static func move(_ from: String, to: String) throws { try move(bytes(from), to: bytes(to)) }

    static func makeFolder(_ path: [UInt8]) throws {
        guard withPath(path, { mkdir($0, 0o755) }) == 0 || errno == EEXIST else {
            throw TestFailure("mkdir \(String(decoding: path, as: UTF8.self)): \(errnoText())")
        }
    }

    static func makeFolder(_ path: String) throws { try makeFolder(bytes(path)) }

    static func status(_ path: [UInt8]) -> stat? {
        var st = stat()
        return withPath(path) { lstat($0, &st) } == 0 ? st : nil
    }

    static func exists(_ path: [UInt8]) -> Bool { status(path) != nil }
    static func exists(_ path: String) -> Bool { exists(bytes(path)) }

    static func read(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { [UInt8]($0) } }

    /// Names in a folder as raw bytes (`.`, `..` excluded).
    static func names(in folder: [UInt8]) -> [[UInt8]] {
        guard let dir = withPath(folder, { opendir($0) }) else { return [] }
        defer { closedir(dir) }
        var out: [[UInt8]] = []
        while let item = readdir(dir) {
            let name: [UInt8] = withUnsafeBytes(of: item.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [46] && name != [46, 46] { out.append(name) }
        }
        return out
    }

    /// Every non-folder entry below `folder` (symlinks not followed), as raw relative paths.
    static func entries(under folder: String) -> Set<[UInt8]> {
        var out: Set<[UInt8]> = []
        func walk(_ relative: [UInt8]) {
            let base = relative.isEmpty ? bytes(folder) : bytes(folder + "/") + relative
            for name in names(in: base) {
                let child = relative.isEmpty ? name : relative + [47] + name
                guard let st = status(bytes(folder + "/") + child) else { continue }
                if st.st_mode & S_IFMT == S_IFDIR { walk(child) } else { out.insert(child) }
            }
        }
        walk([])
        return out
    }

    /// path → "size mtime" of everything below `folder` (folders included), to prove nothing changed there.
    static func snapshot(_ folder: String) -> [String: String] {
        var out: [String: String] = [:]
        func walk(_ relative: [UInt8]) {
            let base = relative.isEmpty ? bytes(folder) : bytes(folder + "/") + relative
            for name in names(in: base) {
                let child = relative.isEmpty ? name : relative + [47] + name
                guard let st = status(bytes(folder + "/") + child) else { continue }
                out[hex(child)] = "\(st.st_mode) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
                if st.st_mode & S_IFMT == S_IFDIR { walk(child) }
            }
        }
        walk([])
        return out
    }

    static func symlink(_ target: [UInt8], at path: [UInt8]) throws {
        let r = withPath(target) { t in withPath(path) { p in Glibc.symlink(t, p) } }
        guard r == 0 else { throw TestFailure("symlink \(String(decoding: path, as: UTF8.self)): \(errnoText())") }
    }

    /// Fills the file system holding `folder` with `folder/filler` until ENOSPC, then gives back
    /// `leave` bytes. Returns the filler's path.
    @discardableResult
    static func fill(_ folder: String, leave: Int = 0) throws -> String {
        let path = folder + "/filler"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TestFailure("create \(path): \(errnoText())") }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0xA5, count: 1 << 16)
        var size = 0
        while true {
            let n = chunk.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                guard errno == ENOSPC else { throw TestFailure("write \(path): \(errnoText())") }
                // Smaller writes use up the last partial chunk.
                let small = chunk.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, 4096) }
                if small > 0 { size += small; continue }
                break
            }
            size += n
        }
        if leave > 0 { ftruncate(fd, off_t(max(0, size - leave))) }
        return path
    }
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
}

/// A tmpfs mounted over a folder for one test; `unmount()` (call it in a `defer`) takes it away.
final class Tmpfs {
    let path: String
    private var mounted = true
    /// The scratch folder the mount point is in: kept until the file system is unmounted.
    private let owner: AnyObject

    /// Nil (with the reason printed) when mounting is refused: not root, no CAP_SYS_ADMIN, a container.
    static func mount(over path: String, kilobytes: Int, keeping owner: AnyObject) throws -> Tmpfs? {
        guard let tool = Shell.which(["mount"]) else {
            print("skipped: no mount command")
            return nil
        }
        let result = try Shell.run([tool, "-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0755", "tmpfs", path])
        guard result.status == 0 else {
            print("skipped: cannot mount a tmpfs over \(path) (mount exited \(result.status): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
            return nil
        }
        return Tmpfs(path, owner)
    }

    private init(_ path: String, _ owner: AnyObject) { self.path = path; self.owner = owner }

    func unmount() {
        guard mounted else { return }
        mounted = false
        let tool = Shell.which(["umount"]) ?? "/bin/umount"
        if (try? Shell.run([tool, path]))?.status != 0 { _ = try? Shell.run([tool, "-l", path]) }
    }

    deinit { unmount() }
}

/// Synthetic PNGs: every seed gives different (random) pixels, so every file has its own SHA-256.
enum Images {
    static func png(_ seed: UInt64, size: Int = 28) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x1234_5678
        var pixels = [UInt8](repeating: 0, count: size * size)
        for i in pixels.indices {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            pixels[i] = UInt8(truncatingIfNeeded: state >> 24)
        }
        return try! PNGCodec.encode(DecodedImage(width: size, height: size, layout: .gray, pixels: pixels))
    }
}

/// What the outbox and the state say about every input, read with python3's own `json` and
/// `sqlite3` modules (a parser that shares no code with mcnd).
struct Outcomes {
    /// Lines that are not complete JSON objects, or files not ending in a newline.
    var bad: [String]
    /// Raw name (hex of the bytes, from `file_bytes` when present) → number of prediction lines.
    var predicted: [String: Int]
    /// Raw name (hex) → reasons of `rejected` events.
    var rejected: [String: [String]]
    /// Raw name (hex) → number of `conflict` events.
    var conflicts: [String: Int]
    /// SHA-256 of the examples in the state database (nil: not readable).
    var examples: [String]?
    var exampleSet: Set<String> { Set(examples ?? []) }
    /// Event name → count.
    var events: [String: Int]
    /// `detail` of `error` events.
    var errors: [String]
    /// Every `file`/`file_bytes` pair seen: (file text, hex of file_bytes or nil).
    var namePairs: [[String?]]

    static let script = #"""
import json, os, sys, sqlite3, collections
root = sys.argv[1]
out = {"bad": [], "predicted": {}, "rejected": {}, "conflicts": {}, "examples": None, "events": {}, "errors": [], "namePairs": []}
def name(o):
    if "file_bytes" in o:
        return o["file_bytes"]
    return o["file"].encode("utf-8").hex()
folder = os.path.join(root, "outbox")
for fn in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
    if not fn.endswith(".jsonl"):
        continue
    data = open(os.path.join(folder, fn), "rb").read()
    if not data:
        continue
    if data and not data.endswith(b"\n"):
        out["bad"].append("%s does not end with a newline (torn last line): %r" % (fn, data[-120:]))
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines = lines[:-1]
    for i, line in enumerate(lines):
        try:
            o = json.loads(line.decode("utf-8"))
        except Exception as e:
            out["bad"].append("%s line %d: %s: %r" % (fn, i + 1, e, line[:200]))
            continue
        if not isinstance(o, dict):
            out["bad"].append("%s line %d is not an object" % (fn, i + 1))
            continue
        if "file" in o and fn != "losses.jsonl":
            out["namePairs"].append([o["file"], o.get("file_bytes")])
        if fn == "predictions.jsonl":
            k = name(o); out["predicted"][k] = out["predicted"].get(k, 0) + 1
        elif fn == "events.jsonl":
            ev = o.get("event", "?")
            out["events"][ev] = out["events"].get(ev, 0) + 1
            if ev == "rejected":
                out["rejected"].setdefault(name(o), []).append(o.get("reason"))
            elif ev == "conflict":
                k = name(o); out["conflicts"][k] = out["conflicts"].get(k, 0) + 1
            elif ev == "error":
                out["errors"].append(o.get("detail", ""))
db = os.path.join(root, "state", "mcnd.sqlite")
if os.path.exists(db) and len(sys.argv) < 3:
    # A copy (with its WAL), so that reading never touches the root, full disk or not.
    import shutil, tempfile
    tmp = tempfile.mkdtemp()
    try:
        for suffix in ["", "-wal"]:
            if os.path.exists(db + suffix):
                shutil.copyfile(db + suffix, os.path.join(tmp, "copy.sqlite" + suffix))
        c = sqlite3.connect(os.path.join(tmp, "copy.sqlite"))
        out["examples"] = [r[0] for r in c.execute("SELECT sha256 FROM examples")]
        c.close()
    except Exception as e:
        out["examples"] = None
        out["bad"].append("state database not readable: %s" % e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
print(json.dumps(out))
"""#

    /// Reads `root`. `database: false` leaves the state database alone.
    static func of(_ root: String, database: Bool = true) throws -> Outcomes {
        guard let python = Shell.which(["python3"]) else { throw TestFailure("python3 is needed to check the outbox with a real JSON parser") }
        let result = try Shell.run([python, "-c", script, root] + (database ? [] : ["nodb"]))
        guard result.status == 0 else { throw TestFailure("python3 outbox check failed: \(result.stderr)") }
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        return Outcomes(bad: object["bad"] as? [String] ?? ["no answer"],
                        predicted: object["predicted"] as? [String: Int] ?? [:],
                        rejected: object["rejected"] as? [String: [String]] ?? [:],
                        conflicts: object["conflicts"] as? [String: Int] ?? [:],
                        examples: object["examples"] as? [String],
                        events: object["events"] as? [String: Int] ?? [:],
                        errors: object["errors"] as? [String] ?? [],
                        namePairs: (object["namePairs"] as? [[Any]] ?? []).map { $0.map { $0 as? String } })
    }

    /// How many outcomes `input` has: prediction lines, rejections, conflicts, and (labeled) an example.
    func count(_ input: Input) -> Int { count(input, examples: exampleSet) }

    func count(_ input: Input, examples: Set<String>) -> Int {
        let key = hex(input.relative)
        var n = (predicted[key] ?? 0) + (rejected[key]?.count ?? 0) + (conflicts[key] ?? 0)
        if input.labeled, examples.contains(SHA256.hex(input.content)) { n += 1 }
        return n
    }
}

/// One file put into the inbox by a test.
struct Input {
    var relative: [UInt8]
    var content: [UInt8]
    var labeled: Bool { relative.contains(47) }
    var display: String { String(decoding: relative, as: UTF8.self) }
}

/// The invariant of the README's "Exactly once": every input is still in the inbox, or has exactly
/// one outcome; never two, and nothing moved away without one. `final` also requires that
/// nothing is left in the inbox.
func checkInvariant(_ inputs: [Input], root: String, final: Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let outcomes = try Outcomes.of(root)
    #expect(outcomes.bad.isEmpty, "torn or invalid outbox lines: \(outcomes.bad)", sourceLocation: sourceLocation)
    var problems: [String] = []
    let examples = outcomes.exampleSet
    for input in inputs {
        let inInbox = Files.exists(Files.bytes(root + "/inbox/") + input.relative)
        let n = outcomes.count(input, examples: examples)
        if n > 1 { problems.append("\(input.display.debugDescription): \(n) outcomes") }
        if !inInbox && n == 0 { problems.append("\(input.display.debugDescription): gone from the inbox without an outcome") }
        if final && inInbox { problems.append("\(input.display.debugDescription): still in the inbox") }
        if final && n != 1 { problems.append("\(input.display.debugDescription): \(n) outcomes") }
    }
    #expect(problems.isEmpty, "\(problems.count) inputs break the invariant: \(problems.prefix(20))", sourceLocation: sourceLocation)
}

/// A root made with `mcnd init`, and the inputs a test dropped into it.
final class Root {
    let path: String
    let scratch: Scratch
    var inputs: [Input] = []
    private var seed: UInt64 = 1

    init(_ scratch: Scratch, name: String = "root") throws {
        self.scratch = scratch
        path = scratch.path + "/" + name
        let made = try MCND.run(["init", path], output: scratch.path)
        guard made.succeeded else { throw TestFailure("mcnd init failed: \(made.transcript)") }
    }

    var inbox: String { path + "/inbox" }
    var outbox: String { path + "/outbox" }

    func nextImage() -> [UInt8] {
        seed += 1
        return Images.png(seed &+ UInt64(UInt(bitPattern: path.hashValue)))
    }

    /// Drops `content` (a new image by default) at `relative` (raw bytes below inbox/), making folders.
    @discardableResult
    func drop(_ relative: [UInt8], _ content: [UInt8]? = nil, record: Bool = true) throws -> Input {
        let parts = relative.split(separator: 47, omittingEmptySubsequences: false)
        var folder = Files.bytes(inbox)
        for part in parts.dropLast() {
            folder += [47] + part
            try Files.makeFolder(folder)
        }
        let input = Input(relative: relative, content: content ?? nextImage())
        try Files.drop(input.content, into: folder, as: Array(parts.last!))
        if record { inputs.append(input) }
        return input
    }

    @discardableResult
    func drop(_ relative: String, _ content: [UInt8]? = nil, record: Bool = true) throws -> Input {
        try drop(Files.bytes(relative), content, record: record)
    }

    /// `perLabel` new images under each label, and `requests` prediction requests.
    func dropBatch(labels: [String], perLabel: Int, requests: Int, tag: String) throws {
        for label in labels { for i in 0 ..< perLabel { try drop("\(label)/\(tag)-\(i).png") } }
        for i in 0 ..< requests { try drop("\(tag)-q\(i).png") }
    }

    /// A first `--once` on two labels, so a model exists and requests get predicted.
    func train(asUser: Bool = false) throws {
        try dropBatch(labels: ["alpha", "beta"], perLabel: 10, requests: 0, tag: "seed")
        if asUser { try Shell.run(["/bin/chown", "-R", "65534:65534", path]) }
        let run = try MCND.once(path, output: scratch.path, asUser: asUser)
        guard run.succeeded else { throw TestFailure("the first run failed: \(run.transcript)") }
    }
}

/// SHA-256 (FIPS 180-4), to know an input's content hash without sharing code with mcnd.
enum SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func hex(_ message: [UInt8]) -> String {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var data = message
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        let bits = UInt64(message.count) * 8
        for i in (0 ..< 8).reversed() { data.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        var w = [UInt32](repeating: 0, count: 64)
        func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        for block in stride(from: 0, to: data.count, by: 64) {
            for t in 0 ..< 16 {
                w[t] = UInt32(data[block + 4 * t]) << 24 | UInt32(data[block + 4 * t + 1]) << 16
                    | UInt32(data[block + 4 * t + 2]) << 8 | UInt32(data[block + 4 * t + 3])
            }
            for t in 16 ..< 64 {
                let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
            for t in 0 ..< 64 {
                let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[t] &+ w[t]
                let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
            }
            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
        }
        var out: [UInt8] = []
        for v in h { for s in [24, 16, 8, 0] { out.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
        return FaultTests.hex(out)
    }
}
