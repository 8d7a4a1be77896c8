import Foundation
import MCNDModel
import Testing

/// oneDNN compiles its kernels into executable memory at run time. A process
/// that may not make memory executable — Linux's `PR_SET_MDWE`, which is what
/// systemd's `MemoryDenyWriteExecute=yes` sets — cannot create a primitive.
/// Training must then fail with the DNNLError that says so (the daemon records
/// a failed run and keeps going), not stop the process. The child is the real
/// `mcnd-bench train`, started through python3 (ctypes `prctl`), since the
/// flag cannot be taken back inside this test process.
struct DNNLErrorTests {
    /// Sets PR_SET_MDWE (65) with PR_MDWE_REFUSE_EXEC_GAIN (1), then runs argv[1:]; exit 3 when the kernel refuses.
    static let script = """
        import ctypes, os, sys
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(65, 1, 0, 0, 0) != 0: sys.exit(3)
        if len(sys.argv) > 1: os.execv(sys.argv[1], sys.argv[1:])
        """

    /// `mcnd-bench` beside the test runner (`MCND_TEST_BENCH` overrides it).
    static let bench: String? = {
        if let explicit = ProcessInfo.processInfo.environment["MCND_TEST_BENCH"] { return explicit }
        guard let first = CommandLine.arguments.first else { return nil }
        let folder = URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent()
        for candidate in [folder, folder.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("mcnd-bench").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()

    static func run(_ arguments: [String]) -> (status: Int32, stderr: String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// python3 is there and this kernel (Linux ≥ 6.3) takes PR_SET_MDWE.
    static let canForbidExecutableMemory = run([])?.status == 0
    static let dataAvailable = FileManager.default.fileExists(atPath: FashionMNIST.directory + "/train-images-idx3-ubyte.gz")

    @Test(
        .enabled(if: canForbidExecutableMemory, "python3 or PR_SET_MDWE (Linux ≥ 6.3) is not available"),
        .enabled(if: bench != nil, "mcnd-bench is not built beside the test runner"),
        .enabled(if: dataAvailable, "dataset-fashion-mnist is not installed"))
    func trainingWithoutExecutableMemoryFailsWithTheReason() throws {
        let bench = try #require(Self.bench)
        let got = try #require(Self.run([bench, "train", "--epochs", "1", "--threads", "2", "--data", FashionMNIST.directory]))
        // mcnd-bench exits 1 when the training run throws; a trap or crash would be a signal (≥ 128).
        #expect(got.status == 1, "status \(got.status): \(got.stderr)")
        #expect(got.stderr.contains("oneDNN could not create a matmul"), "\(got.stderr)")
        #expect(got.stderr.contains("MemoryDenyWriteExecute"), "\(got.stderr)")
    }

    @Test func everyCaseSaysWhatToDo() {
        let cases: [DNNLError] = [
            .noEngine(status: 5), .cannotCreate(what: "matmul 1×2·2×3 f32", status: 5),
            .cannotRun(what: "matmul 1×2·2×3 f32", status: 1),
        ]
        for error in cases {
            #expect(error.description.contains("reinstall libdnnl-dev"), "\(error)")
        }
        #expect(DNNLError.cannotCreate(what: "x", status: 5).description.contains("status 5, runtime_error"))
    }
}
