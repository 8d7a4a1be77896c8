import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension Faults {
    /// Scenario 5: a damaged state/mcnd.sqlite is refused, never overwritten; `mcnd rebuild` recovers.
    @Suite("Corrupt state") struct CorruptState {
        enum Damage: String, CaseIterable, Sendable {
            case truncatedToHalf, truncatedToHeader, truncatedToZero, garbage
        }

        @Test(
            "a damaged database: --once refuses with \"cannot be used\" and \"mcnd rebuild\", leaves it byte for byte; rebuild restores the dataset",
            arguments: Damage.allCases)
        func damaged(_ damage: Damage) throws {
            let scratch = try Scratch("corrupt-\(damage.rawValue)")
            let root = try Root(scratch)
            try root.train()
            try root.dropBatch(labels: ["alpha", "gamma"], perLabel: 5, requests: 3, tag: "more")
            #expect(try MCND.once(root.path, scratch: scratch.url).succeeded)
            let examples = try #require(try Outcomes.of(root.path).examples)
            #expect(examples.count == 30)

            let database = root.path + "/state/mcnd.sqlite"
            #expect(!Files.exists(database + "-wal") || Files.status(Files.bytes(database + "-wal"))?.st_size == 0)
            let good = try #require(try? Files.read(database))
            var damaged: [UInt8]
            switch damage {
            case .truncatedToHalf: damaged = Array(good.prefix(good.count / 2))
            case .truncatedToHeader: damaged = Array(good.prefix(100))
            case .truncatedToZero: damaged = []
            case .garbage:
                var generator = SystemRandomNumberGenerator()
                damaged = (0..<good.count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            try Files.write(damaged, to: database)
            // Requests and examples waiting: none of them may be touched.
            try root.dropBatch(labels: ["alpha"], perLabel: 3, requests: 3, tag: "waiting")
            let inboxBefore = Files.entries(under: root.inbox)
            let outboxBefore = Files.snapshot(root.outbox)

            for arguments in [["--once"], ["train"]] {
                let refused = try MCND.run(arguments + ["--root", root.path, "--set", "settle_seconds=0"], scratch: scratch.url)
                #expect(refused.exit?.status == 1 && refused.exit?.signaled == false, "\(refused.transcript)")
                #expect(refused.reasonLines.count == 1, "one line: \(refused.transcript)")
                let reason = refused.reasonLines.first ?? ""
                #expect(
                    reason.contains(database) && reason.contains("cannot be used") && reason.contains("mcnd rebuild"),
                    "\(refused.transcript)")
                #expect((try? Files.read(database)) == damaged, "the damaged database is left byte for byte")
                #expect(Files.entries(under: root.inbox) == inboxBefore, "the inbox is untouched")
                #expect(Files.snapshot(root.outbox) == outboxBefore, "the outbox is untouched")
            }

            let rebuilt = try MCND.run(["rebuild", "--root", root.path], scratch: scratch.url)
            #expect(rebuilt.succeeded, "\(rebuilt.transcript)")
            #expect(rebuilt.stdout.contains("rebuilt: 30 examples"), "\(rebuilt.transcript)")
            let aside = Files.names(in: Files.bytes(root.path + "/state")).map { String(decoding: $0, as: UTF8.self) }
                .filter { $0.hasPrefix("mcnd.sqlite.unusable-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }
            #expect(aside.count == 1, "\(aside)")
            if let aside = aside.first {
                #expect((try? Files.read(root.path + "/state/" + aside)) == damaged, "moved aside, not rewritten")
            }
            #expect(Set(try Outcomes.of(root.path).examples ?? []) == Set(examples), "the dataset is back from archive/labeled/")

            let again = try MCND.once(root.path, scratch: scratch.url)
            #expect(again.succeeded, "\(again.transcript)")
            try checkInvariant(root.inputs, root: root.path, final: true)
            #expect(try Outcomes.of(root.path).examples?.count == 33)
        }
    }
}
