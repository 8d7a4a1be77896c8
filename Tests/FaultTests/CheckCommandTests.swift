import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension Faults {
    /// `mcnd check`, the built binary on a trained root: ok, then a damaged
    /// model file, then a damaged database, each named on stderr with exit 1.
    @Suite("Check command") struct CheckCommand {
        @Test("mcnd check: exit 0 on a healthy root (also with the daemon's state open), 1 naming a damaged model file or database")
        func check() throws {
            let scratch = try Scratch("check")
            let root = try Root(scratch)
            try root.train()
            let arguments = ["check", "--root", root.path]
            let database = root.path + "/state/mcnd.sqlite"

            let healthy = try MCND.run(arguments, scratch: scratch.url)
            #expect(healthy.succeeded, "\(healthy.transcript)")
            #expect(healthy.stdout.contains("check: ok") && healthy.reasonLines.isEmpty, "\(healthy.transcript)")
            #expect(healthy.stdout.contains("\(database): ") && healthy.stdout.contains("(serving: 1)"), "\(healthy.transcript)")

            // Beside the daemon, while it predicts: read-only, it sees the last commit and finds nothing.
            let daemon = try MCND.start(["--root", root.path, "--set", "settle_seconds=0"], scratch: scratch.url)
            defer { daemon.stop() }
            #expect(
                try eventually(timeout: 60) { (try Outcomes.of(root.path, database: false)).events["started"] == 1 },
                "\(daemon.transcript)")
            // Requests only: a promotion commits before it writes its model file, a moment the check would report.
            try root.dropBatch(labels: [], perLabel: 0, requests: 40, tag: "beside")
            let beside = try MCND.run(arguments, scratch: scratch.url)
            #expect(beside.succeeded && beside.stdout.contains("check: ok"), "\(beside.transcript)")
            daemon.stop()
            #expect(daemon.succeeded, "\(daemon.transcript)")

            // A model file with one byte changed: its CRC fails; the database is fine.
            let model = root.path + "/state/models/model-1.npz"
            let good = try Files.read(model)
            var bad = good
            bad[bad.count / 2] ^= 0xFF
            try Files.write(bad, to: model)
            let badFile = try MCND.run(arguments, scratch: scratch.url)
            #expect(badFile.exit?.status == 1 && badFile.exit?.signaled == false, "\(badFile.transcript)")
            #expect(badFile.reasonLines.count == 1, "\(badFile.transcript)")
            let fileReason = badFile.reasonLines.first ?? ""
            #expect(
                fileReason.contains(model) && fileReason.contains("CRC") && fileReason.contains("mcnd models export 1"),
                "\(badFile.transcript)")
            #expect(badFile.stdout.contains("DAMAGED"), "\(badFile.transcript)")
            try Files.write(good, to: model)

            // Its second half overwritten, the size intact: the header still matches, so the open's small check would not read it.
            var bytes = try Files.read(database)
            let page = 4096
            for i in bytes.count / page / 2 * page..<bytes.count { bytes[i] = 0xA5 }
            try Files.write(bytes, to: database)
            let badDatabase = try MCND.run(arguments, scratch: scratch.url)
            #expect(badDatabase.exit?.status == 1 && badDatabase.exit?.signaled == false, "\(badDatabase.transcript)")
            #expect(badDatabase.reasonLines.count == 1, "one line: \(badDatabase.transcript)")
            let reason = badDatabase.reasonLines.first ?? ""
            #expect(
                reason.contains(database) && reason.contains("cannot be used") && reason.contains("mcnd rebuild"),
                "\(badDatabase.transcript)")
            #expect((try? Files.read(database)) == bytes, "the check writes nothing")
        }
    }
}
