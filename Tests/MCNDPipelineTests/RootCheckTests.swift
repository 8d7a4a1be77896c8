import Foundation
import GRDB
import MCNDPipeline
import Testing

/// `mcnd check` in-process (RootCheck): a healthy root passes; each kind of
/// damage is found and named, with what to do.
@Suite("Root check") struct RootCheckTests {
    /// A root with 12 examples and model 1 serving, its state stopped cleanly.
    static func trainedRoot(_ name: String) throws -> TemporaryRoot {
        let root = try TemporaryRoot("check-\(name)")
        try PipelineOnceTests.fill(root)
        let pipeline = try root.pipeline(PipelineOnceTests.quiet)
        #expect(try pipeline.once().training.modelVersion == 1)
        pipeline.close()
        return root
    }

    static func check(_ root: TemporaryRoot) throws -> RootCheck {
        try RootCheck.run(layout: RootLayout(root: root.path), busyTimeout: 1)
    }

    /// A writable connection that does not enforce references (to make a dangling one).
    static func connection(_ root: TemporaryRoot) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        return try DatabaseQueue(path: root.path + "/state/mcnd.sqlite", configuration: configuration)
    }

    /// `bytes` with the byte in the middle inverted.
    static func flipped(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        out[out.count / 2] ^= 0xFF
        return out
    }

    @Test("a healthy root: no findings, every model and file read")
    func healthy() throws {
        let root = try Self.trainedRoot("healthy")
        let check = try Self.check(root)
        #expect(check.findings == [])
        #expect(check.passed && check.examples == 12 && check.storedModels == 1 && check.servingVersion == 1 && check.modelFiles == 1)
    }

    @Test("a page of the examples overwritten in place, the file's size intact: integrity_check's finding")
    func damagedPage() throws {
        let root = try Self.trainedRoot("page")
        let (page, pageSize) = try Self.connection(root).read { db in
            (
                try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_schema WHERE name = 'examples'") ?? 0,
                try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            )
        }
        let path = root.path + "/state/mcnd.sqlite"
        var bytes = try #require(root.read("state/mcnd.sqlite"))
        let size = bytes.count
        for i in (page - 1) * pageSize..<page * pageSize { bytes[i] = 0xA5 }
        try root.write(bytes, to: "state/mcnd.sqlite")
        #expect(root.read("state/mcnd.sqlite")?.count == size)

        let check = try Self.check(root)
        guard case .database(let named, let problems)? = check.findings.first else {
            Issue.record("no database finding: \(check.findings)")
            return
        }
        #expect(named == path)
        // SQLite's own words for damage — integrity_check's lines for a page, or SQLITE_CORRUPT's message when
        // the page is a table's root — not any failure of the check itself (which would also land here).
        #expect(problems.contains { $0.lowercased().contains("page") || $0.contains("malformed") }, "\(problems)")
        #expect(check.findings.first?.description.contains("cannot be used") == true)
        #expect(check.findings.first?.description.contains("mcnd rebuild") == true)
    }

    @Test("the serving model's bytes in the state fail their CRC")
    func damagedStoredModel() throws {
        let root = try Self.trainedRoot("stored")
        try Self.connection(root).write { db in
            let file = try #require(try Data.fetchOne(db, sql: "SELECT file FROM models WHERE version = 1"))
            try db.execute(sql: "UPDATE models SET file = ? WHERE version = 1", arguments: [Data(Self.flipped([UInt8](file)))])
        }
        let check = try Self.check(root)
        #expect(check.findings.count == 1)
        guard case .storedModel(1, true, let reason)? = check.findings.first else {
            Issue.record("no finding for model 1: \(check.findings)")
            return
        }
        #expect(reason.contains("CRC"), "\(reason)")
    }

    @Test("state/models/model-1.npz with a byte changed fails its CRC; removed, the serving model's file is missing")
    func damagedModelFile() throws {
        let root = try Self.trainedRoot("file")
        let name = "state/models/model-1.npz"
        let good = try #require(root.read(name))
        try root.write(Self.flipped(good), to: name)
        var check = try Self.check(root)
        guard case .modelFile(let path, 1, let reason)? = check.findings.first, check.findings.count == 1 else {
            Issue.record("not one finding for the file: \(check.findings)")
            return
        }
        #expect(path == root.path + "/" + name && reason.contains("CRC"), "\(reason)")
        #expect(check.findings.first?.description.contains("mcnd models export 1 --format npz --out \(path)") == true)

        try FileManager.default.removeItem(atPath: root.path + "/" + name)
        check = try Self.check(root)
        #expect(check.findings == [.servingModelFileMissing(path: root.path + "/" + name, version: 1)])
    }

    @Test("an example whose label is not there: a dangling reference")
    func danglingLabel() throws {
        let root = try Self.trainedRoot("dangling")
        try Self.connection(root).write { db in try db.execute(sql: "UPDATE examples SET label_idx = 99 WHERE id = 1") }
        let check = try Self.check(root)
        #expect(check.findings == [.dangling(path: root.path + "/state/mcnd.sqlite", table: "examples", parent: "labels", count: 1)])
    }
}
