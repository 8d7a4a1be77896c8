import Foundation
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// A mistyped key, as a person makes it: `mcnd` refuses to run with it and
    /// names the key meant, touching nothing; a mistyped `MCND_*` variable is a
    /// warning on stderr.
    @Suite("A mistyped configuration key") struct ConfigurationTypoTests {
        @Test("--set train.epoch=5 and learning_rte: in mcnd.yaml: exit 1 with the key meant, the inbox untouched")
        func typo() throws {
            let scratch = try Scratch("config-typo")
            let root = scratch.appending("root")
            try MCND.succeed(["init", root.path], scratch: scratch.url)
            try Files.drop([1, 2, 3], into: root.appendingPathComponent("inbox"), as: "request.png")

            let flag = try MCND.run(["--once", "--root", root.path, "--set", "train.epoch=5"], scratch: scratch.url)
            #expect(!flag.succeeded, "\(flag.transcript)")
            #expect(flag.stderr.contains("unknown key train.epoch (--set) — did you mean train.epochs?"), "\(flag.transcript)")

            let config = root.appendingPathComponent("mcnd.yaml")
            let text = try String(contentsOf: config, encoding: .utf8)
            try text.replacingOccurrences(of: "  learning_rate:", with: "  learning_rte:").write(
                to: config, atomically: true, encoding: .utf8)
            let file = try MCND.run(["--once", "--root", root.path], scratch: scratch.url)
            #expect(!file.succeeded, "\(file.transcript)")
            #expect(file.stderr.contains("unknown key train.learning_rte"), "\(file.transcript)")
            #expect(file.stderr.contains("did you mean train.learning_rate?"), "\(file.transcript)")
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("inbox/request.png").path), "nothing moved")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("rejected").path)) ?? []).isEmpty)

            try text.write(to: config, atomically: true, encoding: .utf8)
            let env = try MCND.start(["--once", "--root", root.path], scratch: scratch.url, environment: ["MCND_TRAIN_EPOCH": "5"])
            try env.wait(timeout: MCND.hung)
            #expect(env.succeeded, "\(env.transcript)")
            #expect(env.stderr.contains("mcnd: warning: MCND_TRAIN_EPOCH names no configuration key"), "\(env.transcript)")
        }
    }
}
