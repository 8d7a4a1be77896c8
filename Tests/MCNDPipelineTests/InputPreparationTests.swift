import Foundation
import MCNDImaging
import MCNDPipeline
import Testing

/// The per-file work spread over the cores (`InputPreparation`) changes no
/// outcome and no order: the same mixed inbox gives the same results on two
/// threads as on one, and the same lines, moves and events in batches as one
/// file at a time.
@Suite("Parallel input preparation") struct InputPreparationTests {
    /// Good PNGs, damaged ones, the same content twice under a label and under two labels, in the labeled folders
    /// (`labeled`) or at the top of the inbox. `known` is content already in the state under `cat`.
    static func fill(_ root: TemporaryRoot, labeled: Bool, known: [UInt8]? = nil) throws {
        let top = labeled ? "inbox/cat/" : "inbox/"
        for i in 0..<24 { try root.write(TemporaryRoot.png(100 + UInt64(i)), to: top + "good-\(i).png") }
        let good = TemporaryRoot.png(7)
        var corrupt = good
        corrupt[corrupt.count - 20] ^= 0xFF
        try root.write(corrupt, to: top + "corrupt.png")
        try root.write(Array(good.prefix(good.count / 2)), to: top + "truncated.png")
        try root.write(Array("not a picture".utf8), to: top + "text.png")
        try root.write([], to: top + "empty.png")
        try FileManager.default.createSymbolicLink(atPath: root.path + "/" + top + "link.png", withDestinationPath: "good-0.png")
        guard labeled else { return }
        try root.write(good, to: "inbox/cat/same-a.png")
        try root.write(good, to: "inbox/cat/same-b.png")
        try root.write(good, to: "inbox/dog/same-c.png")
        if let known {
            try root.write(known, to: "inbox/cat/known.png")
            try root.write(known, to: "inbox/dog/known.png")
        }
        try root.write(TemporaryRoot.png(8), to: "inbox/dog/good.png")
    }

    @Test("two threads give each entry's result in the entries' order, equal to one thread's")
    func parallelEqualsSerial() throws {
        let root = try TemporaryRoot("prepare")
        let pipeline = try root.pipeline()
        try Self.fill(root, labeled: true)
        try Self.fill(root, labeled: false)
        let entries = pipeline.scan().entries
        // One listed file gone before it is read: vanished, on either path.
        try FileManager.default.removeItem(atPath: root.path + "/inbox/good-3.png")
        let c = pipeline.configuration
        let prepare = { (workers: Int) in
            InputPreparation(
                root: pipeline.root, limit: c.limits.maxInputBytes,
                normalizer: ImageNormalizer(spec: c.input, limits: c.limits), workers: workers
            ).prepare(entries)
        }
        let serial = prepare(1), parallel = prepare(2)
        #expect(entries.count == 33 + 29)
        #expect(parallel.map(\.entry) == entries)
        #expect(parallel == serial)
        let codes = parallel.map { item -> String in
            switch item.read {
            case .failure(let failure): "\(failure)"
            case .success(let read): (try? read.pixels.get()).map { "\($0.count) pixels" } ?? (read.pixels.failureCode ?? "")
            }
        }
        let counted = Dictionary(codes.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(counted["784 pixels"] == 28 + 23, "\(counted)")
        for code in ["corrupt", "truncated", "not_png", "empty"] { #expect(counted[code] == 2, "\(code): \(counted)") }
        #expect(counted["vanished"] == 1, "\(counted)")
    }

    @Test("a file changed after the scan is read as it is now, not as the scan saw it")
    func changedAfterScan() throws {
        let root = try TemporaryRoot("prepare-changed")
        let pipeline = try root.pipeline()
        for i in 0..<4 { try root.write(TemporaryRoot.png(UInt64(i)), to: "inbox/f\(i).png") }
        let entries = pipeline.scan().entries
        // Renamed over (another inode), rewritten in place (same inode), grown, cut short.
        try root.write(TemporaryRoot.png(60), to: "inbox/.new")
        #expect(rename(root.path + "/inbox/.new", root.path + "/inbox/f0.png") == 0)
        let handle = try #require(FileHandle(forWritingAtPath: root.path + "/inbox/f1.png"))
        try handle.write(contentsOf: Data(TemporaryRoot.png(61)))
        try handle.truncate(atOffset: UInt64(TemporaryRoot.png(61).count))
        try handle.close()
        try root.append(String(repeating: "x", count: 10), to: "inbox/f2.png")
        try root.write(Array(TemporaryRoot.png(3).prefix(30)), to: "inbox/f3.png")
        let c = pipeline.configuration
        let prepared = InputPreparation(
            root: pipeline.root, limit: c.limits.maxInputBytes,
            normalizer: ImageNormalizer(spec: c.input, limits: c.limits), workers: 2
        ).prepare(entries)
        for item in prepared {
            let name = item.entry.relative.display
            let now = try #require(root.read("inbox/" + name))
            let status = try #require(try pipeline.root.status(RawPath("inbox/" + name)))
            guard case .success(let read) = item.read else {
                Issue.record("\(name): \(item.read)")
                continue
            }
            #expect(read.sha256 == TemporaryRoot.sha256(now), "\(name)")
            #expect(read.identity == FileIdentity(status), "\(name)")
        }
    }

    @Test("a mixed inbox gives the same outcomes and lines in batches as one file at a time")
    func batchesMatchOneFileAtATime() throws {
        let known = TemporaryRoot.png(9)
        let trained = try TemporaryRoot("prepare-trained")
        do {
            let pipeline = try trained.pipeline { $0.review.targetPrecision = 0 }
            for i in 0..<10 {
                try trained.write(TemporaryRoot.png(200 + UInt64(i)), to: "inbox/cat/t\(i).png")
                try trained.write(TemporaryRoot.png(300 + UInt64(i)), to: "inbox/dog/t\(i).png")
            }
            try trained.write(known, to: "inbox/cat/k.png")
            _ = try pipeline.once(train: .always)
            #expect(pipeline.serving.current != nil)
        }
        var results: [(summary: Pipeline.OnceSummary, root: TemporaryRoot)] = []
        for batch in [1, 256] {
            let root = try TemporaryRoot("prepare-batch-\(batch)")
            try FileManager.default.removeItem(atPath: root.path)
            try FileManager.default.copyItem(atPath: trained.path, toPath: root.path)
            try Self.fill(root, labeled: true, known: known)
            try Self.fill(root, labeled: false)
            let pipeline = try root.pipeline {
                $0.review.targetPrecision = 0
                $0.incompleteGraceSeconds = 0
                $0.ingestBatch = batch
                $0.predictBatch = batch
            }
            results.append((try pipeline.once(train: .never), root))
        }
        let (one, many) = (results[0], results[1])
        #expect(one.summary == many.summary)
        #expect(many.summary.ingest.duplicates == 2 && many.summary.ingest.conflicts == 2, "\(many.summary.ingest)")
        #expect(many.summary.predict.predicted == 24, "\(many.summary.predict)")
        for folder in ["inbox", "archive", "rejected"] {
            #expect(Self.files(one.root, folder) == Self.files(many.root, folder), "\(folder)")
        }
        #expect(Self.withoutTime(one.root.lines("events.jsonl")) == Self.withoutTime(many.root.lines("events.jsonl")))
        let a = one.root.lines("predictions.jsonl").map(Self.object), b = many.root.lines("predictions.jsonl").map(Self.object)
        #expect(a.count == 24 && b.count == 24)
        for (x, y) in zip(a, b) {
            #expect(x["file"] as? String == y["file"] as? String)
            #expect(x["sha256"] as? String == y["sha256"] as? String)
            #expect(x["label"] as? String == y["label"] as? String)
            let p = x["probabilities"] as? [String: Double] ?? [:], q = y["probabilities"] as? [String: Double] ?? [:]
            #expect(p.keys.sorted() == q.keys.sorted() && !p.isEmpty)
            // One matrix product for the batch, or one per file: the same probabilities.
            for (k, v) in p { #expect(abs(v - (q[k] ?? .nan)) <= 1e-6, "\(k): \(v) vs \(q[k] ?? .nan)") }
        }
    }

    /// The regular files and links under `folder`, relative to it, sorted.
    static func files(_ root: TemporaryRoot, _ folder: String) -> [String] {
        let base = root.path + "/" + folder
        return (FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? []).filter { path in
            var isFolder: ObjCBool = false
            return !FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isFolder) || !isFolder.boolValue
        }.sorted()
    }

    static func object(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    /// Each line's fields but its time, in order.
    static func withoutTime(_ lines: [String]) -> [NSDictionary] {
        lines.map { line in
            var object = object(line)
            object["time"] = nil
            return object as NSDictionary
        }
    }
}

extension Result<[UInt8], ImageRejection> {
    var failureCode: String? { if case .failure(let r) = self { r.code } else { nil } }
}
