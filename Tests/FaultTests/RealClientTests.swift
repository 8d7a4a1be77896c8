import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension Faults {
    /// Issue 18 with clients nobody here wrote: each sets the file's time after writing it.
    /// Run alone with `swift test --filter "Real clients"`.
    @Suite(
        "Real clients",
        // scripts/setup installs them; elsewhere the reason is shown instead of a silent pass.
        .enabled(if: Clients.missing.isEmpty, "needs \(Clients.missing.joined(separator: ", ")) (scripts/setup installs them)"))
    struct RealClients {
        static let count = 500

        @Test(
            "curl -R -o, wget -N (from python3's http.server on 127.0.0.1), rsync -a --inplace and cp -p of 500 PNGs each into the daemon's inbox: one line per file"
        )
        func clientsAgainstTheDaemon() throws {
            let scratch = try Scratch("clients")
            let root = try Root(scratch)
            try root.train()
            // Sources with an old mtime, as a server or an archive would have them: every client's
            // time change then really changes the file.
            var sources: [String: [Input]] = [:]
            for (client, folder) in [("curl", "www"), ("wget", "www"), ("rsync", "src"), ("cp", "src")] {
                try Files.makeFolder("\(scratch.path)/\(folder)")
                try Files.makeFolder("\(scratch.path)/\(folder)/\(client)")
                sources[client] = try (0..<Self.count).map { i in
                    let input = Input(relative: Files.bytes("\(client)-\(i).png"), content: root.nextImage())
                    let path = "\(scratch.path)/\(folder)/\(client)/\(input.display)"
                    try Files.write(input.content, to: path)
                    _ = Touch.setTimes(path, Touch.oldTime(i))
                    return input
                }
            }
            let server = try Clients.httpServer(serving: scratch.path + "/www", output: scratch.path)
            defer { server.child.stop() }
            let daemon = try MCND.start(
                ["--root", root.path, "--set", "watch.rescan_seconds=2", "--set", "train.min_labels=99"],
                scratch: scratch.url)
            defer { daemon.stop() }
            #expect(
                try eventually(timeout: 30) { (try Outcomes.of(root.path, database: false)).events["started"] == 1 }, "\(daemon.transcript)"
            )

            let base = "http://127.0.0.1:\(server.port)"
            let commands: [(String, [String])] = [
                (
                    "curl",
                    [Clients.path("curl"), "-sS", "--fail", "-R"]
                        + sources["curl"]!.flatMap { ["-o", root.inbox + "/" + $0.display, "\(base)/curl/\($0.display)"] }
                ),
                (
                    "wget",
                    [
                        Clients.path("wget"), "-N", "-nv", "-P", root.inbox, "-i",
                        try Clients.urlList(sources["wget"]!, base: base + "/wget", in: scratch.path),
                    ]
                ),
                ("rsync", [Clients.path("rsync"), "-a", "--inplace", scratch.path + "/src/rsync/", root.inbox + "/"]),
                ("cp", [Clients.path("cp"), "-p"] + sources["cp"]!.map { "\(scratch.path)/src/cp/\($0.display)" } + [root.inbox]),
            ]
            for (client, command) in commands {
                let started = monotonic()
                // Output to files: 500 lines of progress would fill a pipe nobody reads yet.
                let run = try Child(command[0], Array(command.dropFirst()), output: scratch.path)
                try run.wait(timeout: 300)
                #expect(run.succeeded, "\(client): \(run.transcript.suffix(2000))")
                let inputs = sources[client]!
                root.inputs += inputs
                #expect(try eventually(timeout: 60) { Files.entries(under: root.inbox).isEmpty }, "\(client): inbox empty")
                // Two rescans: an input left behind would be decided again now.
                usleep(4_500_000)
                let outcomes = try Outcomes.of(root.path, database: false)
                let doubled = inputs.filter { (outcomes.predicted[hex($0.relative)] ?? 0) > 1 }
                let missing = inputs.filter { (outcomes.predicted[hex($0.relative)] ?? 0) == 0 }
                print(
                    "\(client): \(inputs.count) files in \(String(format: "%.1f", monotonic() - started)) s; \(doubled.count) with two or more lines, \(missing.count) with none"
                )
                let wrong = doubled.map { "\($0.display): 2+ lines" } + missing.map { "\($0.display): no line" }
                #expect(wrong.isEmpty, "\(client)")
            }
            daemon.stop()
            #expect(daemon.succeeded, "\(daemon.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: true)
        }
    }
}

/// The programs the real-client test runs, and python3's web server.
enum Clients {
    static let names = ["curl", "wget", "rsync", "cp", "python3"]
    static var missing: [String] { names.filter { Shell.which([$0]) == nil } }
    static func path(_ name: String) -> String { Shell.which([name]) ?? name }

    /// `python3 -m http.server` on 127.0.0.1 with a port the kernel picks, and that port.
    static func httpServer(serving folder: String, output: String) throws -> (child: Child, port: Int) {
        let child = try Child(
            path("python3"), ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder], output: output)
        var port = 0
        _ = try eventually(timeout: 10) {
            // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
            if let range = child.stdout.range(of: " port ") {
                port = Int(child.stdout[range.upperBound...].prefix { $0.isNumber }) ?? 0
            }
            return port > 0 || !child.isRunning
        }
        guard port > 0 else { throw TestFailure("http.server did not start: \(child.transcript)") }
        return (child, port)
    }

    /// A file listing one URL per input, for `wget -i`.
    static func urlList(_ inputs: [Input], base: String, in folder: String) throws -> String {
        let path = folder + "/urls.txt"
        try Files.write(Files.bytes(inputs.map { "\(base)/\($0.display)\n" }.joined()), to: path)
        return path
    }
}
