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
            Bench.printError("mcnd-bench latency: \(failure)")
            exit(2)
        }
        do { try benchmark(settings) } catch {
            Bench.printError("mcnd-bench latency: \(error)")
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
                guard let r = Double(text), r > 0, r <= 100_000 else {
                    throw Failure.usage("--rate must be a positive number of files/s (got \(text))")
                }
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
        let setupStart = Bench.now()
        try runMCND(mcnd, ["init", root], work: work)
        let train = try IDXFile.read(path: "\(settings.data)/train-images-idx3-ubyte.gz")
        let trainLabels = try IDXFile.read(path: "\(settings.data)/train-labels-idx1-ubyte.gz")
        var picked: [Int] = []
        var perClass = [Int](repeating: 0, count: 256)
        for i in 0..<trainLabels.bytes.count where perClass[Int(trainLabels.bytes[i])] < 100 {
            perClass[Int(trainLabels.bytes[i])] += 1
            picked.append(i)
        }
        var pixels: [UInt8] = []
        for i in picked { pixels += train.bytes[i * 784..<(i + 1) * 784] }
        try writeFile("\(work)/subset-images.idx", IDXFile(dimensions: [picked.count, 28, 28], bytes: pixels).encoded())
        try writeFile(
            "\(work)/subset-labels.idx", IDXFile(dimensions: [picked.count], bytes: picked.map { trainLabels.bytes[$0] }).encoded())
        try runMCND(
            mcnd,
            [
                "import-idx", "--images", "\(work)/subset-images.idx", "--labels", "\(work)/subset-labels.idx",
                "--out", inbox,
            ], work: work)
        try runMCND(mcnd, ["--root", root, "--once", "--set", "settle_seconds=0", "--set", "train.epochs=10"], work: work)

        // The requests, written before the clock starts.
        let test = try IDXFile.read(path: "\(settings.data)/t10k-images-idx3-ubyte.gz")
        guard mkdir(staging, 0o755) == 0 else { throw Failure.setup("mkdir \(staging): \(String(cString: strerror(errno)))") }
        func request(_ index: Int) throws -> [UInt8] {
            try PNGCodec.encode(
                DecodedImage(
                    width: 28, height: 28, layout: .gray,
                    pixels: Array(test.bytes[index * 784..<(index + 1) * 784])))
        }
        var next = 0
        var steadyNames: [String] = []
        for i in 0..<settings.steady {
            steadyNames.append("steady-\(i).png")
            try writeFile("\(staging)/steady-\(i).png", try request(next))
            next += 1
        }
        var burstNames: [[String]] = []
        for b in 0..<settings.bursts {
            var names: [String] = []
            for i in 0..<settings.burst {
                names.append("burst\(b)-\(i).png")
                try writeFile("\(staging)/burst\(b)-\(i).png", try request(next))
                next += 1
            }
            burstNames.append(names)
        }
        let setupSeconds = Bench.now() - setupStart

        // The observer, then the daemon.
        let observer = try Observer(inbox: inbox, predictions: predictionsPath)
        let notify = try NotifySocket(path: "\(work)/notify.sock")
        let daemon = try spawn(
            mcnd, ["--root", root] + settings.overrides.flatMap { ["--set", $0] }, environment: ["NOTIFY_SOCKET": notify.path],
            output: "\(work)/daemon.log")
        defer {
            if daemon.running {
                kill(daemon.pid, SIGKILL)
                _ = try? daemon.wait()
            }
        }
        guard notify.wait(for: "READY=1", timeout: 60, while: { daemon.running }) else {
            throw Failure.setup("the daemon sent no READY=1: \(readText("\(work)/daemon.log"))")
        }
        try observer.start()

        let cpu =
            readText("/proc/cpuinfo").split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingSpaces } ?? "unknown CPU"
        print(
            "mcnd latency: rename into inbox/ → prediction line; model trained on \(picked.count) images (10 labels); "
                + "root on \(fileSystemName(root)) (\(settings.directory)); \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores, \(cpu); "
                + "setup \(Bench.fixed(setupSeconds, 1)) s"
                + (settings.overrides.isEmpty ? "" : "; daemon settings \(settings.overrides.joined(separator: " "))"))

        var renamed: [String: Double] = [:]
        func moveIn(_ name: String) throws {
            let t = Bench.now()
            guard rename("\(staging)/\(name)", "\(inbox)/\(name)") == 0 else {
                throw Failure.setup("rename \(name) into the inbox: \(String(cString: strerror(errno)))")
            }
            renamed[name] = t
        }
        func awaitAnswers(_ names: [String], timeout: Double) throws {
            let deadline = Bench.now() + timeout
            while !observer.answered(names) {
                guard Bench.now() < deadline, daemon.running else {
                    throw Failure.setup(
                        "\(names.count - observer.count(names)) of \(names.count) requests unanswered "
                            + "after \(timeout) s: \(readText("\(work)/daemon.log").suffix(2000))")
                }
                usleep(2_000)
            }
        }

        // Steady: one file every 1/rate s, on an absolute schedule.
        var phases: [(String, [String], Double)] = []
        if !steadyNames.isEmpty {
            let start = Bench.now()
            for (i, name) in steadyNames.enumerated() {
                sleep(until: start + Double(i) / settings.rate)
                try moveIn(name)
            }
            try awaitAnswers(steadyNames, timeout: 60)
            phases.append(("steady \(Bench.fixed(settings.rate, 0))/s", steadyNames, Bench.now() - start))
        }
        // Bursts: B renames back to back.
        var burstAll: [String] = []
        var burstSeconds: [Double] = []
        for names in burstNames {
            sleep(until: Bench.now() + 1)
            let start = Bench.now()
            for name in names { try moveIn(name) }
            try awaitAnswers(names, timeout: 120)
            burstSeconds.append(Bench.now() - start)
            burstAll += names
        }
        if !burstAll.isEmpty { phases.append(("bursts \(settings.bursts)×\(settings.burst)", burstAll, burstSeconds.reduce(0, +))) }

        kill(daemon.pid, SIGTERM)
        let status = try daemon.wait()
        observer.stop()
        guard status == 0 else {
            throw Failure.setup("the daemon exited with status \(status): \(readText("\(work)/daemon.log").suffix(2000))")
        }

        // Figures.
        var json: [String] = []
        for (title, names, seconds) in phases {
            let times = observer.times(names)
            let visible = names.map { (times[$0]!.visible ?? .nan) - renamed[$0]! }.map { $0 * 1000 }
            let durable = names.compactMap { name in times[name]!.durable.map { ($0 - renamed[name]!) * 1000 } }
            print("")
            print("== \(title): \(names.count) files, \(Bench.fixed(Double(names.count) / seconds, 0)) files/s answered")
            print("   ms        p50      p90      p99      max")
            for (label, values) in [("visible", visible), ("durable", durable)] {
                let p = percentiles(values)
                print("   \(label.padding(7)) \(p.map { Bench.fixed($0, 2).leftPadding(8) }.joined(separator: " "))")
                json.append(
                    #"{"bench":"latency","phase":"\#(title.split(separator: " ")[0])","measure":"\#(label)","files":\#(values.count),"#
                        + #""p50_ms":\#(Bench.fixed(p[0], 3)),"p90_ms":\#(Bench.fixed(p[1], 3)),"#
                        + #""p99_ms":\#(Bench.fixed(p[2], 3)),"max_ms":\#(Bench.fixed(p[3], 3))}"#)
            }
            if title.hasPrefix("bursts") {
                print(
                    "   each burst answered in full after \(burstSeconds.map { Bench.fixed($0 * 1000, 0) + " ms" }.joined(separator: ", "))"
                )
            }
        }
        print("")
        for line in json { print(line) }
    }

    /// p50, p90, p99 and max (nearest rank) of `values`.
    static func percentiles(_ values: [Double]) -> [Double] {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return [.nan, .nan, .nan, .nan] }
        func rank(_ p: Double) -> Double { sorted[max(0, min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1))] }
        return [rank(0.5), rank(0.9), rank(0.99), sorted.last!]
    }

    static func sleep(until deadline: Double) {
        var remaining = deadline - Bench.now()
        while remaining > 0 {
            var t = timespec(tv_sec: Int(remaining), tv_nsec: Int((remaining - Double(Int(remaining))) * 1e9))
            nanosleep(&t, nil)
            remaining = deadline - Bench.now()
        }
    }
}

private extension String {
    var trimmingSpaces: String { String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
