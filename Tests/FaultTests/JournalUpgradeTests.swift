import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension Faults {
    /// Issue 17: a state database from before "one journal row per input" may hold a retry
    /// storm's rows (many per input). Opening it keeps one row per input, and nothing is done twice.
    @Suite("Journal upgrade") struct JournalUpgrade {
        @Test("an older state with many journal rows per input: upgraded to one row each, every input finished once")
        func stormRowsFromAnOlderVersion() throws {
            let scratch = try Scratch("journal-upgrade")
            let root = try Root(scratch)
            try root.train()
            let example = try root.drop("alpha/stormed.png"), request = try root.drop("stormed.png")
            var rows: [[String: Any]] = []
            var offset = Files.status(Files.bytes(root.outbox + "/predictions.jsonl")).map { Int($0.st_size) } ?? 0
            var lines = ""
            for (input, outcomes) in [
                (example, ["example"] + Array(repeating: "duplicate", count: 5)), (request, Array(repeating: "predicted", count: 3)),
            ] {
                guard let st = Files.status(Files.bytes(root.inbox + "/") + input.relative) else {
                    throw TestFailure("no \(input.display)")
                }
                let identity =
                    "\(st.st_dev):\(st.st_ino):\(st.st_size):\(Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))"
                for outcome in outcomes {
                    // The older version's retries each wrote a line before their move failed.
                    let line = outcome == "predicted" ? #"{"file":"\#(input.display)","retry":\#(rows.count)}"# + "\n" : ""
                    rows.append([
                        "source": "inbox/" + input.display, "sha256": SHA256.hex(input.content), "outcome": outcome, "line": line,
                        "offset": offset, "identity": identity,
                        "destination": (input.labeled ? "archive/labeled/" : "archive/predicted/") + input.display,
                    ])
                    offset += line.utf8.count
                    lines += line
                }
            }
            guard let python = Shell.which(["python3"]) else { throw TestFailure("python3 is needed") }
            let database = root.path + "/state/mcnd.sqlite"
            // Back to the schema before the upgrade: no unique source, no `waiting`.
            let downgrade = try Shell.run([
                python, "-c",
                """
                import sqlite3, sys
                c = sqlite3.connect(sys.argv[1])
                c.executescript("DROP INDEX journal_source; ALTER TABLE journal DROP COLUMN waiting; DELETE FROM grdb_migrations WHERE identifier = 'journal-one-row-per-input';")
                c.commit()
                """, database,
            ])
            #expect(downgrade.status == 0, "\(downgrade.stderr)")
            let json = String(decoding: try JSONSerialization.data(withJSONObject: rows), as: UTF8.self)
            let wrote = try Shell.run([python, "-c", Touched.journalScript, database, json])
            #expect(wrote.status == 0, "\(wrote.stderr)")
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: root.outbox + "/predictions.jsonl"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(lines.utf8))
            try handle.close()

            let run = try MCND.once(root.path, scratch: scratch.url, ["train.min_labels=99"])
            #expect(run.succeeded && !run.stdout.contains("duplicate"), "\(run.transcript)")
            #expect(try Blocked.journalRows(root.path) == 0)
            #expect(Files.entries(under: root.inbox).isEmpty)
            #expect(
                Files.exists(root.path + "/archive/labeled/alpha/stormed.png") && Files.exists(root.path + "/archive/predicted/stormed.png")
            )
            // The storm's lines are history; none is added.
            #expect(try Outcomes.of(root.path).predicted[hex(request.relative)] == 3)
            let index = try Shell.run([
                python, "-c",
                "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT sql FROM sqlite_master WHERE name = 'journal_source'\").fetchone()[0])",
                database,
            ])
            #expect(index.stdout.contains("UNIQUE INDEX"), "\(index.stdout) \(index.stderr)")
        }
    }
}
