import Foundation
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// Under systemd (JOURNAL_STREAM set) every stderr line starts with its
    /// sd-daemon(3) priority and has no timestamp; on a terminal it does not.
    @Suite("Log priorities for the journal") struct JournalLog {
        /// A fresh root with two labels of the repository's samples; `--once` logs the run (info) and,
        /// with the textfile pointed at a folder that does not exist, an error.
        static func once(environment: [String]) throws -> String {
            let scratch = try Scratch("journal")
            let root = scratch.appending("root")
            try MCND.succeed(["init", root.path], scratch: scratch.url)
            for label in ["Bag", "Coat"] {
                try FileManager.default.copyItem(
                    at: ReportRoot.packageRoot.appendingPathComponent("samples/labeled/\(label)"),
                    to: root.appendingPathComponent("inbox/\(label)"))
            }
            let run = try ReportRoot.run(
                "env",
                environment + [
                    try MCND.path(), "--once", "--root", root.path, "--set", "settle_seconds=0",
                    "--set", "train.epochs=2", "--set", "train.min_steps=0", "--set", "train.cross_validation_below=0", "--set",
                    "train.refit_below=0", "--set",
                    "metrics.textfile=/nonexistent-folder/mcnd.prom",
                ],
                in: scratch)
            #expect(run.status == 0, "\(run.stderr)")
            return run.stderr
        }

        @Test func prioritiesWithJournalStream() throws {
            let lines = try Self.once(environment: ["JOURNAL_STREAM=8:12345"]).split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("<6>run 1: full") }, "no info line with <6>: \(lines)")
            #expect(lines.contains { $0.hasPrefix("<3>cannot write the metrics textfile") }, "no error line with <3>: \(lines)")
            for line in lines {
                #expect(line.range(of: #"^<[0-7]>"#, options: .regularExpression) != nil, "a line without a priority: \(line)")
                #expect(line.range(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d"#, options: .regularExpression) == nil, "a second timestamp: \(line)")
            }
        }

        @Test func terminalFormatWithout() throws {
            let lines = try Self.once(environment: ["-u", "JOURNAL_STREAM"]).split(separator: "\n")
            #expect(lines.contains { $0.contains(" info mcnd: ") && $0.contains("run 1: full") }, "\(lines)")
            #expect(lines.contains { $0.contains(" error mcnd: ") && $0.contains("cannot write the metrics textfile") }, "\(lines)")
            #expect(!lines.contains { $0.hasPrefix("<") }, "\(lines)")
        }
    }
}
