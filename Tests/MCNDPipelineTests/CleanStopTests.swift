import Foundation
import GRDB
import InMemoryLogging
import Logging
import MCNDPipeline
import Testing

/// The clean-stop record (`meta.clean_stop`) is written only on a stop with
/// no failed statement: a holder that saw SQLite fail may have left damage
/// the small check at the next open would not read.
@Suite("Clean stop") struct CleanStopTests {
    @Test("a statement that failed while the root was held withholds the record: the next open checks every page, and the log says why")
    func failedStatementWithholdsRecord() throws {
        let root = try TemporaryRoot("clean-stop")
        try root.pipeline().close()
        do {
            let log = InMemoryLogHandler()
            let pipeline = try root.pipeline(logger: Logger(label: "mcnd-test") { _ in log })
            #expect(pipeline.store.openCheck == .small, "a clean stop before: the small check")

            // Another connection makes a write of the holder's fail (as a failed write or a damaged page would).
            let other = try DatabaseQueue(path: root.path + "/state/mcnd.sqlite")
            try other.write { db in
                try db.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON meta BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
            }
            #expect(throws: PipelineError.self) { try pipeline.store.setMeta("test", "refused") }
            // Gone again before the stop: the record's own write would succeed.
            try other.write { db in try db.execute(sql: "DROP TRIGGER refuse") }
            try other.close()

            pipeline.close()
            let messages = log.entries.map { "\($0.message)" }
            #expect(messages.contains("state: no clean stop recorded; the next start checks every page"), "\(messages)")
        }
        let next = InMemoryLogHandler()
        do {
            let reopened = try root.pipeline(logger: Logger(label: "mcnd-test") { _ in next })
            #expect(reopened.store.openCheck == .full(.noCleanStop))
            let messages = next.entries.map { "\($0.message)" }
            #expect(messages.contains("state: checked every page (no clean stop recorded)"), "\(messages)")
            // No statement failed in this one: its stop is recorded again.
            reopened.close()
        }
        #expect(try root.pipeline().store.openCheck == .small)
    }
}
