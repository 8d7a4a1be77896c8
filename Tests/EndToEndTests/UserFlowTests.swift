import Foundation
import Glibc
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// A user's session: `mcnd init`, label folders from `mcnd import-idx`,
    /// unlabeled PNGs and a few bad files in the inbox, `mcnd --once`; then a
    /// pass with nothing new; `mcnd predict`; then a new label.
    @Suite("A user's inbox, from init to a new label") struct UserFlow {
        /// Fashion-MNIST classes of the first drop; Ankle_boot (9) comes later as a new label.
        static let firstClasses = 0..<9
        static let epochs = 20

        @Test func inboxToOutboxAndANewLabel() throws {
            let scratch = try Scratch("user")
            let root = scratch.appending("root").path
            let inbox = scratch.appending("root/inbox")
            let train = try Fashion.trainSplit()
            let test = try Fashion.testSplit()

            let created = try MCND.succeed(["init", root], scratch: scratch.url)
            #expect(created.stdout.contains("created \(root)"))
            for folder in ["inbox", "outbox", "archive", "review", "rejected", "state"] {
                #expect(Files.exists("\(root)/\(folder)"), "mcnd init did not create \(folder)/")
            }
            #expect(Files.exists("\(root)/mcnd.yaml"), "mcnd init did not write mcnd.yaml")

            // 60 training images of each of 9 classes, as label folders.
            let labeledIndices = train.stratified(perClass: 60, classes: Self.firstClasses)
            let idx = try train.writeIDX(labeledIndices, to: scratch.url, name: "first")
            let imported = try MCND.succeed(
                ["import-idx", "--images", idx.images, "--labels", idx.labels, "--out", inbox.path],
                scratch: scratch.url)
            #expect(imported.stdout.contains("wrote \(labeledIndices.count) PNGs"))
            // import-idx names each file after its index in the IDX file.
            let labeled = labeledIndices.enumerated().map { k, i in "\(Fashion.name(train.label(i)))/\(k).png" }
            #expect(Files.regularFiles(under: inbox) == labeled.sorted(), "import-idx wrote other files than expected")

            // 6 test images of each class as prediction requests (one without the .png extension).
            var truth: [String: String] = [:]
            for (k, i) in test.stratified(perClass: 6, classes: Self.firstClasses).enumerated() {
                let name = k == 0 ? "query-noext" : String(format: "query-%03d.png", k)
                try Files.drop(try test.png(i), into: inbox, as: name)
                truth[name] = Fashion.name(test.label(i))
            }
            // Bad files, top level and in a label folder, each with the reason mcnd must give.
            let valid = try test.png(0)
            let bad: [String: String] = [
                "notes.png": "not_png", "empty.png": "empty", "cut.png": "truncated", "Coat/broken.png": "not_png",
            ]
            try Files.drop(Array("this is not a PNG\n".utf8), into: inbox, as: "notes.png")
            try Files.drop([], into: inbox, as: "empty.png")
            try Files.drop(Array(valid.prefix(valid.count * 6 / 10)), into: inbox, as: "cut.png")
            try Files.drop(Array("hello".utf8), into: inbox, as: "Coat/broken.png")
            // Names mcnd ignores: a writer's temporary file, an underscore draft.
            let ignored = [".partial.png.tmp", "_draft.png"]
            for name in ignored { try Files.write(valid, to: inbox.appendingPathComponent(name).path) }
            let shas = try Files.sha256(truth.keys.map { inbox.appendingPathComponent($0).path })
            let expectedSHA = Dictionary(uniqueKeysWithValues: shas.map { (URL(fileURLWithPath: $0.key).lastPathComponent, $0.value) })

            // The first pass: ingest, a full run, predictions.
            // cut.png is cut off for good: rejected at once, without incomplete_grace_seconds.
            let once = try MCND.succeed(
                [
                    "--root", root, "--once", "--set", "settle_seconds=0", "--set", "incomplete_grace_seconds=0",
                    "--set", "train.epochs=\(Self.epochs)", "--set", "train.early_stopping_patience=0", "--set", "train.min_steps=0",
                    "--set", "train.cross_validation_below=0", "--set", "train.refit_below=0",
                ], scratch: scratch.url)
            #expect(once.stdout.contains("examples +\(labeled.count)"), "\(once)")

            let status = try StatusRecord.of(root: root, scratch: scratch.url)
            let model = try #require(status.status.model, "no serving model after the first run")
            let firstLabels = Set(Self.firstClasses.map(Fashion.name))
            #expect(Set(model.labels) == firstLabels)
            #expect(status.status.examples == labeled.count)
            #expect(status.status.examplesPerLabel == Dictionary(uniqueKeysWithValues: firstLabels.map { ($0, 60) }))
            #expect(status.status.lastRun?.outcome == "promoted")
            #expect(status.pending == 0 && status.pendingLabeled == 0)

            // predictions.jsonl: one valid line per request, nothing else.
            let predictions = JSONLines.decode(PredictionRecord.self, "\(root)/outbox/predictions.jsonl")
            #expect(predictions.count == truth.count)
            #expect(Set(predictions.map(\.file)) == Set(truth.keys))
            var correct = 0
            for p in predictions {
                #expect(p.sha256 == expectedSHA[p.file], "\(p.file): sha256 \(p.sha256) is not the file's")
                #expect(p.modelVersion == model.version)
                #expect(isRFC3339Milliseconds(p.time), "time \(p.time) is not RFC 3339 UTC with milliseconds")
                #expect(Set(p.probabilities.keys) == firstLabels)
                let total = p.probabilities.values.reduce(0, +)
                #expect(abs(total - 1) < 1e-3, "\(p.file): probabilities sum to \(total)")
                let best = try #require(p.probabilities.max { $0.value < $1.value })
                #expect(p.label == best.key && abs(p.confidence - best.value) < 1e-6, "\(p.file): label/confidence are not the argmax")
                if p.label == truth[p.file] { correct += 1 }
            }
            // Chance is 1/9 ≈ 0.11. The book's network reaches ~0.82 on the full
            // dataset; with 432 training images and 20 epochs it lands near 0.75
            // on held-out images, so with 54 images the binomial standard error
            // is ~0.06 and 0.55 is >3σ below the expected value but far above
            // anything an untrained or mis-wired model (wrong labels, wrong
            // normalization) would reach.
            let accuracy = Double(correct) / Double(predictions.count)
            #expect(accuracy >= 0.55, "accuracy on the unlabeled images is \(accuracy)")

            // losses.jsonl: one line per epoch of one full run.
            let losses = JSONLines.decode(LossRecord.self, "\(root)/outbox/losses.jsonl")
            #expect(losses.map(\.epoch) == Array(1...Self.epochs))
            for l in losses {
                #expect(l.mode == "full" && l.epochs == Self.epochs && l.run == losses.first?.run)
                #expect(l.loss.isFinite && (l.valLoss?.isFinite ?? false) && l.valAccuracy != nil)
                #expect(l.trainSamples + l.valSamples == labeled.count && l.valSamples > 0)
                #expect(isRFC3339Milliseconds(l.time))
            }

            // events.jsonl: the run, the promotion, one rejection per bad file.
            let events = JSONLines.decode(EventRecord.self, "\(root)/outbox/events.jsonl")
            let run = events.filter { $0.event == "run_started" }
            #expect(run.count == 1 && run.first?.mode == "full")
            let finished = events.filter { $0.event == "run_finished" }
            #expect(finished.count == 1 && finished.first?.outcome == "promoted")
            let promoted = events.filter { $0.event == "model_promoted" }
            #expect(promoted.count == 1 && promoted.first?.modelVersion == model.version)
            #expect(Set(promoted.first?.labels ?? []) == firstLabels)
            let rejected = events.filter { $0.event == "rejected" }
            #expect(rejected.count == bad.count)
            #expect(Dictionary(rejected.map { ($0.file ?? "?", $0.reason ?? "?") }, uniquingKeysWith: { a, b in a + "," + b }) == bad)
            for r in rejected { #expect(r.movedTo == "rejected/\(r.file ?? "?")") }
            #expect(!events.contains { $0.event == "conflict" })
            for e in events { #expect(isRFC3339Milliseconds(e.time), "event \(e.event) time \(e.time)") }

            // The files: consumed inputs archived (or, doubtful, in review/<label>/), bad ones rejected, only ignored names left.
            let placed = Dictionary(
                uniqueKeysWithValues: JSONLines.decode(ReviewedPrediction.self, root + "/outbox/predictions.jsonl").map {
                    (
                        $0.file,
                        $0.unfamiliar == true
                            ? "review/_unfamiliar/\($0.file)"
                            : $0.review == true ? "review/\($0.label)/\($0.file)" : "archive/predicted/\($0.file)"
                    )
                })
            let archive = Files.regularFiles(under: scratch.appending("root/archive"))
            #expect(
                archive
                    == (labeled.map { "labeled/\($0)" } + placed.values.filter { $0.hasPrefix("archive/") }.map { String($0.dropFirst(8)) })
                    .sorted())
            #expect(
                Files.regularFiles(under: scratch.appending("root/review")).map { "review/" + $0 }.sorted()
                    == placed.values.filter { $0.hasPrefix("review/") }.sorted())
            #expect(Files.regularFiles(under: scratch.appending("root/rejected")) == bad.keys.sorted())
            #expect(Files.regularFiles(under: inbox) == ignored.sorted())
            // Archived (or reviewed) requests are the files as they were.
            let archived = try Files.sha256(truth.keys.map { "\(root)/\(placed[$0] ?? "?")" })
            for (path, sha) in archived {
                #expect(sha == expectedSHA[URL(fileURLWithPath: path).lastPathComponent], "\(path) changed on its way to the archive")
            }

            try nothingNewDoesNothing(root: root, scratch: scratch)
            try predictCommandMovesNothing(root: root, scratch: scratch, test: test, version: model.version)
            try newLabelGivesAnIncrementalRun(
                root: root, scratch: scratch, train: train, test: test,
                firstLabels: firstLabels, previous: model.version)
        }

        /// A second `--once` with nothing new: no run, no line, no file moved.
        func nothingNewDoesNothing(root: String, scratch: Scratch) throws {
            let before = try snapshot(root)
            let statusBefore = try StatusRecord.of(root: root, scratch: scratch.url)
            try MCND.succeed(
                [
                    "--root", root, "--once", "--set", "settle_seconds=0", "--set", "train.epochs=\(Self.epochs)", "--set",
                    "train.min_steps=0", "--set", "train.cross_validation_below=0", "--set", "train.refit_below=0",
                ],
                scratch: scratch.url)
            let after = try snapshot(root)
            #expect(after.outbox == before.outbox, "a pass with nothing new wrote to the outbox")
            #expect(after.files == before.files, "a pass with nothing new moved files")
            let statusAfter = try StatusRecord.of(root: root, scratch: scratch.url)
            #expect(statusAfter.status.lastRun?.id == statusBefore.status.lastRun?.id, "a pass with nothing new trained")
            #expect(statusAfter.status.model?.version == statusBefore.status.model?.version)
        }

        /// `mcnd predict FILE…` prints one line per file and touches nothing.
        func predictCommandMovesNothing(root: String, scratch: Scratch, test: Fashion.Split, version: Int) throws {
            let outside = scratch.appending("elsewhere")
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            let files = [outside.appendingPathComponent("a.png").path, outside.appendingPathComponent("b.png").path]
            try Files.write(try test.png(100), to: files[0])
            try Files.write(try test.png(101), to: files[1])
            let shas = try Files.sha256(files)
            let before = try snapshot(root)

            let result = try MCND.succeed(["predict", "--root", root] + files, scratch: scratch.url)
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == files.count, "\(result)")
            for (line, file) in zip(lines, files) {
                let p = try decoder.decode(PredictionRecord.self, from: Data(line.utf8))
                #expect(p.file == file)
                #expect(p.sha256 == shas[file])
                #expect(p.modelVersion == version)
            }
            for file in files { #expect(Files.exists(file), "mcnd predict moved \(file)") }
            #expect(try snapshot(root) == before, "mcnd predict changed the root")

            // A file it cannot use: its reason on stderr, the other file still answered, exit non-zero.
            let junk = outside.appendingPathComponent("junk.png").path
            try Files.write(Array("junk".utf8), to: junk)
            let mixed = try MCND.run(["predict", "--root", root, junk, files[0]], scratch: scratch.url)
            #expect(!mixed.succeeded)
            #expect(mixed.stderr.contains("junk.png") && mixed.stderr.contains("not_png"), "\(mixed)")
            #expect(mixed.stdout.split(separator: "\n").count == 1, "\(mixed)")
            let after = try snapshot(root)
            #expect(Files.exists(junk) && after == before)
        }

        /// A folder of a label the model does not know: an incremental run that grows the output layer.
        func newLabelGivesAnIncrementalRun(
            root: String, scratch: Scratch, train: Fashion.Split, test: Fashion.Split,
            firstLabels: Set<String>, previous: Int
        ) throws {
            let inbox = scratch.appending("root/inbox")
            let lossesBefore = JSONLines.decode(LossRecord.self, "\(root)/outbox/losses.jsonl").count
            let eventsBefore = JSONLines.decode(EventRecord.self, "\(root)/outbox/events.jsonl").count
            let predictionsBefore = JSONLines.decode(PredictionRecord.self, "\(root)/outbox/predictions.jsonl").count

            let boots = train.stratified(perClass: 60, classes: [9])
            let idx = try train.writeIDX(boots, to: scratch.url, name: "boots")
            try MCND.succeed(["import-idx", "--images", idx.images, "--labels", idx.labels, "--out", inbox.path], scratch: scratch.url)
            let queries = test.stratified(perClass: 6, classes: [9])
            for (k, i) in queries.enumerated() { try Files.drop(try test.png(i), into: inbox, as: "boot-\(k).png") }

            let incrementalEpochs = 5
            let once = try MCND.succeed(
                [
                    "--root", root, "--once", "--set", "settle_seconds=0",
                    "--set", "train.incremental_epochs=\(incrementalEpochs)",
                    "--set", "train.cross_validation_below=0", "--set", "train.refit_below=0", "--set", "train.full_growth=1000",
                ], scratch: scratch.url)
            let allLabels = firstLabels.union(["Ankle_boot"])

            let losses = Array(JSONLines.decode(LossRecord.self, "\(root)/outbox/losses.jsonl").dropFirst(lossesBefore))
            #expect(losses.map(\.epoch) == Array(1...incrementalEpochs), "\(once)")
            #expect(losses.allSatisfy { $0.mode == "incremental" && $0.epochs == incrementalEpochs && $0.loss.isFinite })
            let events = Array(JSONLines.decode(EventRecord.self, "\(root)/outbox/events.jsonl").dropFirst(eventsBefore))
            #expect(events.filter { $0.event == "run_started" }.map(\.mode) == ["incremental"])
            let promoted = events.filter { $0.event == "model_promoted" }
            #expect(promoted.count == 1 && Set(promoted.first?.labels ?? []) == allLabels, "\(once)")

            let status = try StatusRecord.of(root: root, scratch: scratch.url)
            let model = try #require(status.status.model)
            #expect(Set(model.labels) == allLabels)
            #expect(model.version > previous)
            #expect(status.status.lastRun?.mode == "incremental")
            #expect(status.status.examplesPerLabel["Ankle_boot"] == boots.count)
            #expect(status.status.examples == 60 * 10)

            let predictions = Array(
                JSONLines.decode(PredictionRecord.self, "\(root)/outbox/predictions.jsonl").dropFirst(predictionsBefore))
            #expect(predictions.count == queries.count)
            for p in predictions {
                #expect(Set(p.probabilities.keys) == allLabels)
                #expect(p.modelVersion == model.version)
            }
            // Ankle boots are the most distinctive class; 60 examples and 5 epochs are plenty
            // to name most of them (an output layer that did not grow would name none).
            let named = predictions.filter { $0.label == "Ankle_boot" }.count
            #expect(named >= queries.count / 2, "only \(named) of \(queries.count) ankle boots were named Ankle_boot")
            #expect(Files.regularFiles(under: inbox).allSatisfy { $0.hasPrefix(".") || $0.hasPrefix("_") })
        }

        struct Snapshot: Equatable {
            /// Outbox file → bytes.
            var outbox: [String: [UInt8]]
            /// Every regular file outside the outbox and state (relative path → size).
            var files: [String: Int]
        }

        func snapshot(_ root: String) throws -> Snapshot {
            var outbox: [String: [UInt8]] = [:]
            for name in ["predictions.jsonl", "losses.jsonl", "events.jsonl"] {
                outbox[name] = (try? Files.read("\(root)/outbox/\(name)")) ?? []
            }
            var files: [String: Int] = [:]
            for folder in ["inbox", "archive", "rejected"] {
                for file in Files.regularFiles(under: URL(fileURLWithPath: "\(root)/\(folder)")) {
                    files["\(folder)/\(file)"] = Files.size("\(root)/\(folder)/\(file)")
                }
            }
            return Snapshot(outbox: outbox, files: files)
        }
    }
}
