import Foundation
import GRDB
import MCNDPipeline
import Testing

/// A journal row whose outcome this mcnd does not know (a newer version wrote
/// it) must stop the pipeline with an error, never be taken for a rejection:
/// recovery would move the input to rejected/ and write nothing for it.
@Suite("Unknown journal outcome") struct UnknownJournalOutcomeTests {
    @Test("opening a root whose journal holds an unknown outcome fails and moves nothing")
    func unknownOutcomeIsAnError() throws {
        let root = try TemporaryRoot("unknown-outcome")
        do { _ = try root.pipeline() }
        try root.write(TemporaryRoot.png(9), to: "inbox/q.png")
        // As a newer mcnd would leave it: decided, not finished.
        let queue = try DatabaseQueue(path: root.path + "/state/mcnd.sqlite")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO journal (source, sha256, outcome, destination, created) VALUES (?, NULL, 'teleported', ?, '2026-01-01T00:00:00.000Z')
                    """, arguments: [Data("inbox/q.png".utf8), Data("rejected/q.png".utf8)])
        }
        try queue.close()

        #expect {
            _ = try root.pipeline()
        } throws: { error in
            "\(error)".contains("teleported")
        }
        #expect(root.exists("inbox/q.png") && !root.exists("rejected/q.png"), "the input stays where it is")
    }
}
