import Foundation
import Glibc

/// The `mcnd` executable the build put beside the test bundle, for the tests
/// that run it as a user would (`MCND_TEST_BINARY` overrides it).
public enum MCNDBinary {
    public struct Missing: Error, CustomStringConvertible {
        public var searched: [String]
        public var description: String {
            "the mcnd executable was not found beside the test bundle (looked at \(searched.joined(separator: ", "))); "
                + "build it with `swift build --build-tests` (which builds the executable too) before `swift test --skip-build`"
        }
    }

    public static func path() throws(Missing) -> String {
        if let explicit = ProcessInfo.processInfo.environment["MCND_TEST_BINARY"] {
            guard access(explicit, X_OK) == 0 else { throw Missing(searched: [explicit]) }
            return explicit
        }
        var folders: [URL] = []
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let first = CommandLine.arguments.first {
            folders.append(URL(fileURLWithPath: first, relativeTo: cwd).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        if let executable = Bundle.main.executableURL {
            folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        folders.append(Bundle.main.bundleURL.resolvingSymlinksInPath())
        var searched: [String] = []
        for folder in folders {
            // Linux: the test runner sits beside `mcnd`; Darwin: inside the .xctest bundle one level down.
            for candidate in [folder, folder.deletingLastPathComponent()] {
                let path = candidate.appendingPathComponent("mcnd").path
                if searched.contains(path) { continue }
                searched.append(path)
                var st = stat()
                if stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG, access(path, X_OK) == 0 { return path }
            }
        }
        throw Missing(searched: searched)
    }
}
