import Foundation
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// The system calls a prediction pass makes per input (issue 13): each
    /// `stat` of a file whose identity mcnd already has is a directory lookup
    /// in the kernel. Counted with `strace -c` over two passes of different
    /// sizes; the difference divided by the difference in files is the cost of
    /// one more file, start-up excluded.
    @Suite("System calls per input") struct SyscallBudgetTests {
        static let strace = ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }
        /// The stat family, whichever the C library calls.
        static let stats: Set<String> = ["stat", "lstat", "fstat", "newfstatat", "statx", "fstatat64"]

        @Test(
            "a prediction request costs 3 stats, not 4: the read trusts the scan's",
            .enabled(if: strace != nil, "strace is missing (scripts/setup installs it)"))
        func statsPerPrediction() throws {
            let scratch = try Scratch("syscalls")
            let root = scratch.appending("root")
            try MCND.succeed(["init", root.path], scratch: scratch.url)
            let train = try Fashion.trainSplit()
            for i in train.stratified(perClass: 5, classes: [0, 1]) {
                try Files.drop(try train.png(i), into: root.appendingPathComponent("inbox"), as: "\(Fashion.name(train.label(i)))/\(i).png")
            }
            try MCND.succeed(
                [
                    "--root", root.path, "--once", "--set", "settle_seconds=0", "--set", "train.epochs=1", "--set", "train.min_steps=0",
                    "--set", "train.cross_validation_below=0", "--set", "train.refit_below=0",
                    "--set", "review.target_precision=0",
                ], scratch: scratch.url)
            let test = try Fashion.testSplit()
            var counts: [Int: [String: Int]] = [:]
            for files in [100, 300] {
                // Each on its own copy of the trained root, so neither pass sees the other's files.
                let copy = scratch.appending("root-\(files)")
                try FileManager.default.copyItem(at: root, to: copy)
                for i in 0..<files {
                    try Files.drop(try test.png(i), into: copy.appendingPathComponent("inbox"), as: "p\(i).png")
                }
                counts[files] = try Self.counted(root: copy.path, scratch: scratch)
                #expect(FileManager.default.fileExists(atPath: copy.path + "/archive/predicted/p\(files - 1).png"))
            }
            let (small, large) = (counts[100] ?? [:], counts[300] ?? [:])
            let perFile = { (names: Set<String>) -> Double in
                Double(names.reduce(0) { $0 + (large[$1] ?? 0) - (small[$1] ?? 0) }) / 200
            }
            let stats = perFile(Self.stats)
            print(
                "per prediction request: \(stats) stats, \(perFile(["open", "openat", "openat2"])) opens, "
                    + "\(perFile(["read", "pread64"])) reads, \(perFile(["close"])) closes")
            #expect(stats < 3.5, "stats per file: \(stats) (calls of 100 files: \(small), of 300: \(large))")
        }

        /// The calls of one `mcnd --once` on `root`, by name, all threads.
        static func counted(root: String, scratch: Scratch) throws -> [String: Int] {
            let out = scratch.appending("strace-\(UUID().uuidString).txt").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: strace!)
            process.arguments = [
                "-f", "-c", "-o", out, try MCND.path(), "--root", root, "--once", "--set", "settle_seconds=0",
                "--set", "review.target_precision=0",
            ]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            // `strace -c` rows: % time, seconds, usecs/call, calls, [errors,] syscall.
            var calls: [String: Int] = [:]
            for line in try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count >= 5, let name = fields.last, let n = Int(fields[3]), Double(fields[0]) != nil else { continue }
                calls[String(name)] = n
            }
            return calls
        }
    }
}
