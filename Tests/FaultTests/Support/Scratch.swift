import Foundation
import Glibc
import MCNDImaging
import MCNDTestSupport
import Testing

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
