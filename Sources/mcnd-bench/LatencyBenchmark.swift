import Glibc
import MCNDImaging
import MCNDModel
import Synchronization

/// `mcnd-bench latency [--rate R] [--steady N] [--burst B] [--bursts K] [--dir DIR] [--mcnd PATH] [--data DIR] [--set key=value]… [--keep]`:
/// how long a request waits for its answer from the daemon.
///
/// Setup: a fresh root in a temporary folder under DIR (default `$TMPDIR`,
/// else /tmp), a model trained by `mcnd --once` on 100 Fashion-MNIST training
/// images per class (10 labels), and N + K·B distinct request PNGs (Fashion-MNIST
/// test images) written beforehand into a staging folder on the same file
/// system. Then the release `mcnd` runs as a daemon on the root with its
/// default configuration unless `--set` says otherwise (inotify, `NOTIFY_SOCKET` answered by this program,
/// which waits for READY=1), and the requests are `rename`d into the inbox:
/// first N at a steady R files/s, then K bursts of B files renamed back to back
/// (each burst once the previous one is answered, with a 1 s pause).
///
/// Measured per file, on one monotonic clock in this process:
/// - visible: from just before its `rename(2)` into inbox/ to the moment this
///   program has read its complete line from outbox/predictions.jsonl (a
///   thread blocked on inotify `IN_MODIFY` of that file reads the new bytes);
/// - durable: from the same start to the `IN_MOVED_FROM` of the request
///   leaving inbox/ for archive/. mcnd moves an input only after its
///   prediction line was written and predictions.jsonl was fsynced, so at that
///   moment the line is on disk.
/// Prints p50/p90/p99/max of both for both phases, then one JSON line.
enum LatencyBenchmark {
    struct Settings {
        var rate = 100.0
        var steady = 1_000
        var burst = 1_000
        var bursts = 3
        var directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var mcnd: String?
        var data = FashionMNIST.directory
        var keep = false
        /// `--set key=value` overrides for the daemon.
        var overrides: [String] = []
    }

    enum Failure: Error, CustomStringConvertible {
        case usage(String)
        case setup(String)

        var description: String {
            switch self {
            case .usage(let reason):
                "\(reason)\nusage: mcnd-bench latency [--rate R] [--steady N] [--burst B] [--bursts K] [--dir DIR] [--mcnd PATH] [--data DIR] [--set key=value]… [--keep]"
            case .setup(let reason): reason
            }
        }
    }

    static func run(_ arguments: [String]) throws {
        let settings: Settings
        do { settings = try parse(arguments) } catch let failure as Failure {
            LatencyBenchmark.printError("mcnd-bench latency: \(failure)")
            exit(2)
        }
        do { try benchmark(settings) } catch {
            LatencyBenchmark.printError("mcnd-bench latency: \(error)")
            exit(1)
        }
    }

    static func parse(_ arguments: [String]) throws -> Settings {
        var settings = Settings()
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let text = rest.popFirst() else { throw Failure.usage("\(flag) needs a value") }
            return text
        }
        func count(_ flag: String, minimum: Int) throws -> Int {
            let text = try value(flag)
            guard let n = Int(text), n >= minimum else { throw Failure.usage("\(flag) must be an integer ≥ \(minimum) (got \(text))") }
            return n
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--rate":
                let text = try value(flag)
                guard let r = Double(text), r > 0, r <= 100_000 else { throw Failure.usage("--rate must be a positive number of files/s (got \(text))") }
                settings.rate = r
            case "--steady": settings.steady = try count(flag, minimum: 0)
            case "--burst": settings.burst = try count(flag, minimum: 1)
            case "--bursts": settings.bursts = try count(flag, minimum: 0)
            case "--dir": settings.directory = try value(flag)
            case "--mcnd": settings.mcnd = try value(flag)
            case "--data": settings.data = try value(flag)
            case "--keep": settings.keep = true
            case "--set": settings.overrides.append(try value(flag))
            case "-h", "--help": throw Failure.usage("times rename → prediction line through the mcnd daemon")
            default: throw Failure.usage("unknown option \(flag)")
            }
        }
        guard settings.steady + settings.burst * settings.bursts <= 10_000 else {
            throw Failure.usage("at most 10,000 requests in all (the Fashion-MNIST test images)")
        }
        return settings
    }

    // MARK: - The run

    static func benchmark(_ settings: Settings) throws {
        let mcnd = try settings.mcnd ?? siblingExecutable("mcnd")
        var template = Array("\(settings.directory)/mcnd-latency-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Failure.setup("mkdtemp in \(settings.directory): \(String(cString: strerror(errno)))")
        }
        let work = String(cString: made)
        defer {
            if settings.keep { print("kept \(work)") } else { _ = try? spawn("/bin/rm", ["-rf", work], output: nil).wait() }
        }
        let root = "\(work)/root", staging = "\(work)/staging", inbox = "\(root)/inbox"
        let predictionsPath = "\(root)/outbox/predictions.jsonl"

        // A root with a trained model.
        let setupStart = LatencyBenchmark.now()
        try runMCND(mcnd, ["init", root], work: work)
        let train = try IDXFile.read(path: "\(settings.data)/train-images-idx3-ubyte.gz")
        let trainLabels = try IDXFile.read(path: "\(settings.data)/train-labels-idx1-ubyte.gz")
        var picked: [Int] = []
        var perClass = [Int](repeating: 0, count: 256)
        for i in 0 ..< trainLabels.bytes.count where perClass[Int(trainLabels.bytes[i])] < 100 {
            perClass[Int(trainLabels.bytes[i])] += 1
            picked.append(i)
        }
        var pixels: [UInt8] = []
        for i in picked { pixels += train.bytes[i * 784 ..< (i + 1) * 784] }
        try writeFile("\(work)/subset-images.idx", IDXFile(dimensions: [picked.count, 28, 28], bytes: pixels).encoded())
        try writeFile("\(work)/subset-labels.idx", IDXFile(dimensions: [picked.count], bytes: picked.map { trainLabels.bytes[$0] }).encoded())
        try runMCND(mcnd, ["import-idx", "--images", "\(work)/subset-images.idx", "--labels", "\(work)/subset-labels.idx",
                           "--out", inbox], work: work)
        try runMCND(mcnd, ["--root", root, "--once", "--set", "settle_seconds=0", "--set", "train.epochs=10"], work: work)

        // The requests, written before the clock starts.
        let test = try IDXFile.read(path: "\(settings.data)/t10k-images-idx3-ubyte.gz")
        guard mkdir(staging, 0o755) == 0 else { throw Failure.setup("mkdir \(staging): \(String(cString: strerror(errno)))") }
        func request(_ index: Int) throws -> [UInt8] {
            try PNGCodec.encode(DecodedImage(width: 28, height: 28, layout: .gray,
                                             pixels: Array(test.bytes[index * 784 ..< (index + 1) * 784])))
        }
        var next = 0
        var steadyNames: [String] = []
        for i in 0 ..< settings.steady {
            steadyNames.append("steady-\(i).png"); try writeFile("\(staging)/steady-\(i).png", try request(next)); next += 1
        }
        var burstNames: [[String]] = []
        for b in 0 ..< settings.bursts {
            var names: [String] = []
            for i in 0 ..< settings.burst {
                names.append("burst\(b)-\(i).png"); try writeFile("\(staging)/burst\(b)-\(i).png", try request(next)); next += 1
            }
            burstNames.append(names)
        }
        let setupSeconds = LatencyBenchmark.now() - setupStart

        // The observer, then the daemon.
        let observer = try Observer(inbox: inbox, predictions: predictionsPath)
        let notify = try NotifySocket(path: "\(work)/notify.sock")
        let daemon = try spawn(mcnd, ["--root", root] + settings.overrides.flatMap { ["--set", $0] }, environment: ["NOTIFY_SOCKET": notify.path], output: "\(work)/daemon.log")
        defer { if daemon.running { kill(daemon.pid, SIGKILL); _ = try? daemon.wait() } }
        guard notify.wait(for: "READY=1", timeout: 60, while: { daemon.running }) else {
            throw Failure.setup("the daemon sent no READY=1: \(readText("\(work)/daemon.log"))")
        }
        try observer.start()

        let cpu = readText("/proc/cpuinfo").split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingSpaces } ?? "unknown CPU"
        print("mcnd latency: rename into inbox/ → prediction line; model trained on \(picked.count) images (10 labels); "
            + "root on \(fileSystemName(root)) (\(settings.directory)); \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores, \(cpu); "
            + "setup \(LatencyBenchmark.fixed(setupSeconds, 1)) s"
            + (settings.overrides.isEmpty ? "" : "; daemon settings \(settings.overrides.joined(separator: " "))"))

        var renamed: [String: Double] = [:]
        func moveIn(_ name: String) throws {
            let t = LatencyBenchmark.now()
            guard rename("\(staging)/\(name)", "\(inbox)/\(name)") == 0 else {
                throw Failure.setup("rename \(name) into the inbox: \(String(cString: strerror(errno)))")
            }
            renamed[name] = t
        }
        func awaitAnswers(_ names: [String], timeout: Double) throws {
            let deadline = LatencyBenchmark.now() + timeout
            while !observer.answered(names) {
                guard LatencyBenchmark.now() < deadline, daemon.running else {
                    throw Failure.setup("\(names.count - observer.count(names)) of \(names.count) requests unanswered "
                        + "after \(timeout) s: \(readText("\(work)/daemon.log").suffix(2000))")
                }
                usleep(2_000)
            }
        }

        // Steady: one file every 1/rate s, on an absolute schedule.
        var phases: [(String, [String], Double)] = []
        if !steadyNames.isEmpty {
            let start = LatencyBenchmark.now()
            for (i, name) in steadyNames.enumerated() {
                sleep(until: start + Double(i) / settings.rate)
                try moveIn(name)
            }
            try awaitAnswers(steadyNames, timeout: 60)
            phases.append(("steady \(LatencyBenchmark.fixed(settings.rate, 0))/s", steadyNames, LatencyBenchmark.now() - start))
        }
        // Bursts: B renames back to back.
        var burstAll: [String] = []
        var burstSeconds: [Double] = []
        for names in burstNames {
            sleep(until: LatencyBenchmark.now() + 1)
            let start = LatencyBenchmark.now()
            for name in names { try moveIn(name) }
            try awaitAnswers(names, timeout: 120)
            burstSeconds.append(LatencyBenchmark.now() - start)
            burstAll += names
        }
        if !burstAll.isEmpty { phases.append(("bursts \(settings.bursts)×\(settings.burst)", burstAll, burstSeconds.reduce(0, +))) }

        kill(daemon.pid, SIGTERM)
        let status = try daemon.wait()
        observer.stop()
        guard status == 0 else { throw Failure.setup("the daemon exited with status \(status): \(readText("\(work)/daemon.log").suffix(2000))") }

        // Figures.
        var json: [String] = []
        for (title, names, seconds) in phases {
            let times = observer.times(names)
            let visible = names.map { (times[$0]!.visible ?? .nan) - renamed[$0]! }.map { $0 * 1000 }
            let durable = names.compactMap { name in times[name]!.durable.map { ($0 - renamed[name]!) * 1000 } }
            print("")
            print("== \(title): \(names.count) files, \(LatencyBenchmark.fixed(Double(names.count) / seconds, 0)) files/s answered")
            print("   ms        p50      p90      p99      max")
            for (label, values) in [("visible", visible), ("durable", durable)] {
                let p = percentiles(values)
                print("   \(label.padding(7)) \(p.map { LatencyBenchmark.fixed($0, 2).leftPadding(8) }.joined(separator: " "))")
                json.append(#"{"bench":"latency","phase":"\#(title.split(separator: " ")[0])","measure":"\#(label)","files":\#(values.count),"#
                    + #""p50_ms":\#(LatencyBenchmark.fixed(p[0], 3)),"p90_ms":\#(LatencyBenchmark.fixed(p[1], 3)),"#
                    + #""p99_ms":\#(LatencyBenchmark.fixed(p[2], 3)),"max_ms":\#(LatencyBenchmark.fixed(p[3], 3))}"#)
            }
            if title.hasPrefix("bursts") {
                print("   each burst answered in full after \(burstSeconds.map { LatencyBenchmark.fixed($0 * 1000, 0) + " ms" }.joined(separator: ", "))")
            }
        }
        print("")
        for line in json { print(line) }
    }

    static func printError(_ message: String) {
        var line = message + "\n"
        line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }

    /// Monotonic seconds.
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// `value` with `digits` decimals; `null` when not finite (as in the JSON line).
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "null" }
        var scale = 1
        for _ in 0 ..< digits { scale *= 10 }
        let scaled = Int((abs(value) * Double(scale)).rounded())
        var fraction = String(scaled % scale)
        while fraction.count < digits { fraction = "0" + fraction }
        return (value < 0 && scaled > 0 ? "-" : "") + (digits > 0 ? "\(scaled / scale).\(fraction)" : "\(scaled)")
    }

    /// p50, p90, p99 and max (nearest rank) of `values`.
    static func percentiles(_ values: [Double]) -> [Double] {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return [.nan, .nan, .nan, .nan] }
        func rank(_ p: Double) -> Double { sorted[max(0, min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1))] }
        return [rank(0.5), rank(0.9), rank(0.99), sorted.last!]
    }

    static func sleep(until deadline: Double) {
        var remaining = deadline - LatencyBenchmark.now()
        while remaining > 0 {
            var t = timespec(tv_sec: Int(remaining), tv_nsec: Int((remaining - Double(Int(remaining))) * 1e9))
            nanosleep(&t, nil)
            remaining = deadline - LatencyBenchmark.now()
        }
    }

    // MARK: - Watching the outbox

    /// A thread blocked on inotify: new complete lines of predictions.jsonl
    /// (`IN_MODIFY`) and requests leaving the inbox (`IN_MOVED_FROM`, `IN_DELETE`).
    final class Observer: Sendable {
        struct Times: Sendable { var visible: Double?; var durable: Double? }

        private let fd: Int32
        private let predictions: String
        private let seen = Mutex<[String: Times]>([:])
        private let stopped = Atomic<Bool>(false)
        private let finished = Atomic<Bool>(false)
        private let startOffset = Atomic<Int>(0)

        init(inbox: String, predictions: String) throws {
            self.predictions = predictions
            fd = inotify_init1(Int32(IN_CLOEXEC))
            guard fd >= 0 else { throw Failure.setup("inotify_init1: \(String(cString: strerror(errno)))") }
            // The daemon creates predictions.jsonl when it opens the outbox; `--once` made it already.
            guard inotify_add_watch(fd, predictions, UInt32(IN_MODIFY)) >= 0 else {
                throw Failure.setup("inotify_add_watch \(predictions): \(String(cString: strerror(errno)))")
            }
            guard inotify_add_watch(fd, inbox, UInt32(IN_MOVED_FROM | IN_DELETE)) >= 0 else {
                throw Failure.setup("inotify_add_watch \(inbox): \(String(cString: strerror(errno)))")
            }
        }

        /// Starts the reading thread at the current end of predictions.jsonl.
        func start() throws {
            var st = stat()
            startOffset.store(stat(predictions, &st) == 0 ? Int(st.st_size) : 0, ordering: .releasing)
            var thread = pthread_t()
            let code = pthread_create(&thread, nil, { raw in
                let observer = Unmanaged<Observer>.fromOpaque(raw!).takeRetainedValue()
                observer.loop(from: observer.startOffset.load(ordering: .acquiring))
                return nil
            }, Unmanaged.passRetained(self).toOpaque())
            guard code == 0 else { throw Failure.setup("pthread_create: \(String(cString: strerror(code)))") }
            pthread_detach(thread)
        }

        func stop() {
            stopped.store(true, ordering: .releasing)
            // The reader notices within its poll timeout.
            while !finished.load(ordering: .acquiring) { usleep(1_000) }
            close(fd)
        }

        func answered(_ names: [String]) -> Bool {
            seen.withLock { seen in names.allSatisfy { seen[$0]?.visible != nil && seen[$0]?.durable != nil } }
        }

        func count(_ names: [String]) -> Int {
            seen.withLock { seen in names.filter { seen[$0]?.visible != nil && seen[$0]?.durable != nil }.count }
        }

        func times(_ names: [String]) -> [String: Times] {
            seen.withLock { seen in Dictionary(uniqueKeysWithValues: names.map { ($0, seen[$0] ?? Times()) }) }
        }

        private func loop(from start: Int) {
            defer { finished.store(true, ordering: .releasing) }
            let reader = open(predictions, O_RDONLY | O_CLOEXEC)
            guard reader >= 0 else { return }
            defer { close(reader) }
            var offset = start
            var pending: [UInt8] = []
            var events = [UInt8](repeating: 0, count: 256 * 1024)
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while !stopped.load(ordering: .acquiring) {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 100) > 0 else { continue }
                let n = events.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { continue }
                let now = LatencyBenchmark.now()
                var modified = false
                var moved: [String] = []
                var at = 0
                while at + 16 <= n {
                    let mask = UInt32(events[at + 4]) | UInt32(events[at + 5]) << 8 | UInt32(events[at + 6]) << 16 | UInt32(events[at + 7]) << 24
                    let length = Int(events[at + 12]) | Int(events[at + 13]) << 8 | Int(events[at + 14]) << 16 | Int(events[at + 15]) << 24
                    if mask & UInt32(IN_MODIFY) != 0 { modified = true }
                    if mask & UInt32(IN_MOVED_FROM | IN_DELETE) != 0 {
                        moved.append(String(decoding: events[(at + 16) ..< min(n, at + 16 + length)].prefix { $0 != 0 }, as: UTF8.self))
                    }
                    at += 16 + length
                }
                var lines: [String] = []
                if modified {
                    while true {
                        let got = chunk.withUnsafeMutableBytes { pread(reader, $0.baseAddress, $0.count, off_t(offset)) }
                        guard got > 0 else { break }
                        offset += got
                        pending += chunk[0 ..< got]
                    }
                    if let end = pending.lastIndex(of: UInt8(ascii: "\n")) {
                        for line in pending[...end].split(separator: UInt8(ascii: "\n")) {
                            if let file = Self.file(in: line) { lines.append(file) }
                        }
                        pending.removeSubrange(...end)
                    }
                }
                seen.withLock { seen in
                    for name in lines where seen[name]?.visible == nil { seen[name, default: Times()].visible = now }
                    for name in moved where seen[name]?.durable == nil { seen[name, default: Times()].durable = now }
                }
            }
        }

        /// The `file` value of a prediction line (the names here need no JSON unescaping).
        static func file(in line: ArraySlice<UInt8>) -> String? {
            let key = Array(#""file":""#.utf8)
            var i = line.startIndex
            while i + key.count <= line.endIndex {
                if line[i ..< i + key.count].elementsEqual(key) {
                    let start = i + key.count
                    guard let end = line[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                    return String(decoding: line[start ..< end], as: UTF8.self)
                }
                i += 1
            }
            return nil
        }
    }

    // MARK: - systemd's side of the notify socket

    final class NotifySocket {
        let path: String
        private let fd: Int32

        init(path: String) throws {
            self.path = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0, path.utf8.count < 108 else { throw Failure.setup("cannot make a notify socket at \(path)") }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw Failure.setup("bind \(path): \(String(cString: strerror(errno)))") }
        }

        deinit { close(fd) }

        /// Reads messages until `message` arrives, `timeout` passes or `alive` turns false.
        func wait(for message: String, timeout: Double, while alive: () -> Bool) -> Bool {
            let deadline = LatencyBenchmark.now() + timeout
            var buffer = [UInt8](repeating: 0, count: 4096)
            while LatencyBenchmark.now() < deadline && alive() {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 50) > 0 else { continue }
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0, String(decoding: buffer[0 ..< n], as: UTF8.self) == message { return true }
            }
            return false
        }
    }

    // MARK: - Processes and files

    final class Spawned {
        let pid: pid_t
        private var status: Int32?
        init(pid: pid_t) { self.pid = pid }

        var running: Bool {
            if status != nil { return false }
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid { status = Self.decode(raw); return false }
            return true
        }

        /// Waits for the exit; the exit code, or 128 + the signal.
        func wait() throws -> Int32 {
            if let status { return status }
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 {
                guard errno == EINTR else { throw Failure.setup("waitpid: \(String(cString: strerror(errno)))") }
            }
            status = Self.decode(raw)
            return status!
        }

        static func decode(_ raw: Int32) -> Int32 { raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f) }
    }

    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String] = [:], output: String?) throws -> Spawned {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var env: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            let key = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            if !key.hasPrefix("MCND_") && environment[key] == nil && key != "NOTIFY_SOCKET" && !key.hasPrefix("WATCHDOG_") { env.append(text) }
            index += 1
        }
        env += environment.map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) }; for p in envp { free(p) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard code == 0 else { throw Failure.setup("cannot run \(executable): \(String(cString: strerror(code)))") }
        return Spawned(pid: pid)
    }

    /// Runs `mcnd arguments…`, failing with its output unless it exits 0.
    static func runMCND(_ mcnd: String, _ arguments: [String], work: String) throws {
        let log = "\(work)/setup.log"
        unlink(log)
        let status = try spawn(mcnd, arguments, output: log).wait()
        guard status == 0 else { throw Failure.setup("mcnd \(arguments.joined(separator: " ")) exited \(status): \(readText(log))") }
    }

    /// `name` in the folder of this executable (the build products folder).
    static func siblingExecutable(_ name: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { throw Failure.setup("cannot find this executable; pass --mcnd PATH") }
        let own = String(decoding: buffer[0 ..< n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let path = own.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/") + "/" + name
        guard access(path, X_OK) == 0 else { throw Failure.setup("\(path) not found: build the mcnd product too, or pass --mcnd PATH") }
        return path
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure.setup("create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            guard n > 0 else { throw Failure.setup("write \(path): \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    static func readText(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            out += buffer[0 ..< n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The type of the mount holding `path` (the longest mount point that prefixes it), from /proc/self/mounts.
    static func fileSystemName(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let real = realpath(path, &buffer) != nil
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : path
        var best: (point: String, type: String)?
        for line in readText("/proc/self/mounts").split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let point = String(fields[1])
            let inside = point == "/" || real == point || real.hasPrefix(point + "/")
            if inside, point.count >= (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        return best?.type ?? "an unknown file system"
    }
}

private extension String {
    var trimmingSpaces: String { String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
