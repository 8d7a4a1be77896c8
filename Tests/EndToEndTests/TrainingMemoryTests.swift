import Foundation
import MCNDImaging
import MCNDModel
import MCNDTestSupport
import Synchronization
import Testing

extension EndToEnd {
    /// Training holds the pixels as bytes and little else: a full run over
    /// 200,000 synthetic 28×28 examples peaks at no more than 1 KB per example
    /// plus 100 MB (the bytes are 784 per example; one Float copy of them
    /// would add 3.1 KB). Slow: it writes and ingests 200,000 PNGs first
    /// (`swift test --filter TrainingMemory` runs it alone). `bytesPerExample`
    /// and `constantBytes` are issue 30's target; BENCHMARKS.md has the figures.
    @Suite("Training memory per example", .tags(.slow)) struct TrainingMemory {
        static let examples = 200_000
        static let bytesPerExample = 1024
        static let constantBytes = 100 << 20
        static let names = "a,b,c,d,e,f,g,h,i,j"

        @Test func aFullRunPeaksWithinAKilobytePerExample() throws {
            let scratch = try Scratch("memory")
            let root = scratch.appending("root").path
            try MCND.succeed(["init", root], scratch: scratch.url)
            try Self.writeSyntheticExamples(Self.examples, into: root + "/inbox")
            // Ingest only (training needs more labels than there are; the files are
            // deleted, not archived: 200,000 files take long to remove), then the measured run.
            try MCND.succeed(
                ["--root", root, "--once", "--set", "settle_seconds=0", "--set", "train.min_labels=1000", "--set", "consumed=delete"],
                scratch: scratch.url)
            let run = try MCND.succeed(["train", "--root", root, "--full", "--set", "train.epochs=1"], scratch: scratch.url)

            let started = JSONLinesFile(path: root + "/outbox/events.jsonl").events("run_started")
            let samples = started.compactMap { line in
                (line["train_samples"] as? Int).flatMap { t in (line["val_samples"] as? Int).map { t + $0 } }
            }
            #expect(samples == [Self.examples], "the run did not train on every example: \(started)")
            let peak = try #require(run.peakResidentKiB, "no rusage for \(run)") * 1024
            let ceiling = Self.examples * Self.bytesPerExample + Self.constantBytes
            #expect(
                peak <= ceiling,
                "peak RSS \(peak >> 20) MB (\(peak / Self.examples) B per example) is above \(ceiling >> 20) MB = 1 KB × \(Self.examples) + 100 MB"
            )
        }

        /// `n` distinct 28×28 gray PNGs in 10 label folders of `inbox`: each
        /// class a fixed random pattern, each image with 16 random pixels
        /// changed and its index in its first 4 bytes. Written directly (no
        /// fsync, on every core): `mcnd import-idx` syncs each file, which
        /// takes minutes for 200,000 on a slow disk.
        static func writeSyntheticExamples(_ n: Int, into inbox: String) throws {
            let labels = names.split(separator: ",").map(String.init)
            var generator = SeededGenerator(seed: 7)
            let prototypes = labels.map { _ in (0..<784).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
            for label in labels { try FileManager.default.createDirectory(atPath: "\(inbox)/\(label)", withIntermediateDirectories: true) }
            let stripes = 8
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: stripes) { stripe in
                do {
                    for i in stride(from: stripe, to: n, by: stripes) {
                        var random = SeededGenerator(seed: UInt64(i))
                        var image = prototypes[i % labels.count]
                        for _ in 0..<16 { image[Int(random.next() % 784)] = UInt8(truncatingIfNeeded: random.next()) }
                        for b in 0..<4 { image[b] = UInt8(truncatingIfNeeded: i >> (24 - 8 * b)) }
                        let png = try PNGCodec.encode(DecodedImage(width: 28, height: 28, layout: .gray, pixels: image))
                        try Files.write(png, to: "\(inbox)/\(labels[i % labels.count])/\(i).png")
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            let failed = failures.withLock { $0 }
            guard failed.isEmpty else { throw TestFailure("writing the examples: \(failed[0])") }
        }
    }
}
