import Foundation
import GRDB
import MCNDPipeline
import Testing

/// The journal's one record type: what a stage plans is what the state keeps
/// and what recovery reads back, paths as raw bytes and identities typed.
@Suite("Journal record") struct JournalRecordTests {
    /// A store over an in-memory database (StateStore over any DatabaseWriter).
    static func memoryStore() throws -> StateStore { try StateStore(writer: try DatabaseQueue()) }

    @Test("a planned record round-trips through the state: non-UTF-8 names, identity, line bytes")
    func roundTrip() throws {
        let store = try Self.memoryStore()
        let name: [UInt8] = Array("inbox/caf".utf8) + [0xE9, 0xFF] + Array(".png".utf8)
        let line = OutboxLine(#"{"file":"caf\u00e9.png","label":"x"}"# + "\n")
        let identity = FileIdentity(device: 2049, inode: 77, size: 1234, modified: 1_700_000_000_123_456_789)
        let planned = JournalRecord(
            source: RawPath(name), sha256: String(repeating: "ab", count: 32), outcome: .predicted,
            outbox: .predictions, offset: 4096, line: line,
            destination: RawPath(Array("archive/predicted/caf".utf8) + [0xE9, 0xFF] + Array(".png".utf8)),
            identity: identity)
        let deleted = JournalRecord(source: RawPath("inbox/b/x.png"), sha256: nil, outcome: .duplicate, destination: nil, identity: nil)
        let written = try store.commit(examples: [], journal: [planned, deleted], validationFraction: 0)
        #expect(written.count == 2 && written.allSatisfy { $0.id != nil })
        let read = try store.pendingJournal()
        #expect(read == written, "every field as planned, ids as assigned")
        #expect(read.first?.source.bytes == name && read.first?.line?.bytes == line.bytes && read.first?.identity == identity)
        #expect(read.last?.destination == nil && read.last?.outbox == nil)

        // One row per input: the same source again is left out, then cleared by id.
        #expect(try store.commit(examples: [], journal: [planned], validationFraction: 0).isEmpty)
        try store.clearJournal(read.compactMap(\.id))
        #expect(try store.pendingJournal().isEmpty)
    }

    @Test("every outcome's raw value is what the journal stores", arguments: JournalRecord.Outcome.allCases)
    func outcomeRawValues(_ outcome: JournalRecord.Outcome) throws {
        let store = try Self.memoryStore()
        let record = JournalRecord(
            source: RawPath("inbox/\(outcome.rawValue).png"), sha256: nil, outcome: outcome,
            destination: nil, identity: nil)
        _ = try store.commit(examples: [], journal: [record], validationFraction: 0)
        #expect(try store.pendingJournal().map(\.outcome) == [outcome])
    }

    @Test("a commit clears the rows of an earlier batch in its own transaction, as an overlapping batch's are")
    func commitClearsEarlierRows() throws {
        let store = try Self.memoryStore()
        func batch(_ names: [String]) -> [JournalRecord] {
            names.map {
                JournalRecord(source: RawPath("inbox/\($0).png"), sha256: nil, outcome: .duplicate, destination: nil, identity: nil)
            }
        }
        let first = try store.commit(examples: [], journal: batch(["a", "b"]), validationFraction: 0)
        let second = try store.commit(examples: [], journal: batch(["c"]), validationFraction: 0, clearing: first.compactMap(\.id))
        #expect(try store.pendingJournal() == second)
    }
}
