import Glibc
import MCNDImaging
import MCNDModel
import Synchronization

/// The daemon side of the latency benchmark: watching the outbox, the notify
/// socket, and child processes.
extension LatencyBenchmark {
    /// A thread blocked on inotify: new complete lines of predictions.jsonl
    /// (`IN_MODIFY`) and requests leaving the inbox (`IN_MOVED_FROM`, `IN_DELETE`).
    final class Observer: Sendable {
        struct Times: Sendable {
            var visible: Double?
            var durable: Double?
        }

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
            let code = pthread_create(
                &thread, nil,
                { raw in
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
                let now = Bench.now()
                var modified = false
                var moved: [String] = []
                var at = 0
                while at + 16 <= n {
                    let mask =
                        UInt32(events[at + 4]) | UInt32(events[at + 5]) << 8 | UInt32(events[at + 6]) << 16 | UInt32(events[at + 7]) << 24
                    let length = Int(events[at + 12]) | Int(events[at + 13]) << 8 | Int(events[at + 14]) << 16 | Int(events[at + 15]) << 24
                    if mask & UInt32(IN_MODIFY) != 0 { modified = true }
                    if mask & UInt32(IN_MOVED_FROM | IN_DELETE) != 0 {
                        moved.append(String(decoding: events[(at + 16)..<min(n, at + 16 + length)].prefix { $0 != 0 }, as: UTF8.self))
                    }
                    at += 16 + length
                }
                var lines: [String] = []
                if modified {
                    while true {
                        let got = chunk.withUnsafeMutableBytes { pread(reader, $0.baseAddress, $0.count, off_t(offset)) }
                        guard got > 0 else { break }
                        offset += got
                        pending += chunk[0..<got]
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
                if line[i..<i + key.count].elementsEqual(key) {
                    let start = i + key.count
                    guard let end = line[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                    return String(decoding: line[start..<end], as: UTF8.self)
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
            let deadline = Bench.now() + timeout
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Bench.now() < deadline && alive() {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 50) > 0 else { continue }
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0, String(decoding: buffer[0..<n], as: UTF8.self) == message { return true }
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
            if waitpid(pid, &raw, WNOHANG) == pid {
                status = Self.decode(raw)
                return false
            }
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
            if !key.hasPrefix("MCND_") && environment[key] == nil && key != "NOTIFY_SOCKET" && !key.hasPrefix("WATCHDOG_") {
                env.append(text)
            }
            index += 1
        }
        env += environment.map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
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
        let own = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The type of the mount holding `path` (the longest mount point that prefixes it), from /proc/self/mounts.
    static func fileSystemName(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let real =
            realpath(path, &buffer) != nil
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
