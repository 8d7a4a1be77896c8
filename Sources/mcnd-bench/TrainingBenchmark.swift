import Glibc
import MCNDModel

/// `mcnd-bench train [--epochs N] [--threads T] [--batch B] [--precision P]
/// [--config book|default] [--data DIR]`: times the book's workload —
/// Fashion-MNIST, 48,000 training rows of 784 pixels/255, 100 sigmoid units,
/// 10 classes, N(0,1) weights, lr 0.1, minibatch 256 — epoch by epoch, each
/// epoch including the validation pass over the other 12,000 rows, and prints
/// median/min/max seconds per epoch, the epoch as a multiple of its matrix
/// products alone (`ProductFloor`), then one JSON line with the same figures
/// for scripts (`scripts/bench-train` runs the numpy and PyTorch peers beside
/// it on the same rows). `--config default` trains mcnd's default
/// configuration instead (its own batch, epochs and optimizer) and reports the
/// training seconds until validation accuracy first reaches 0.895.
///
/// The split is the first 48,000 rows of the training file for training and
/// the last 12,000 for validation, so every peer can cut exactly the same rows
/// without a shared shuffle; timing does not depend on which rows they are.
enum TrainingBenchmark {
    struct Settings {
        var epochs = 5
        var threads = 2
        var batchSize: Int?
        var learningRate: Float?
        var precision = TrainingPrecision.auto
        var configuration = "book"
        var directory = FashionMNIST.directory
    }

    enum Failure: Error, CustomStringConvertible {
        case usage(String)
        case data(String)

        var description: String {
            switch self {
            case .usage(let reason):
                "\(reason)\nusage: mcnd-bench train [--epochs N] [--threads T] [--batch B] [--lr R] [--precision f32|bf16|auto] [--config book|default] [--data DIR]"
            case .data(let reason): reason
            }
        }
    }

    static let trainRows = 48_000
    static let validationRows = 12_000

    static func run(_ arguments: [String]) throws {
        let settings: Settings
        do { settings = try parse(arguments) } catch let failure as Failure {
            Bench.printError("mcnd-bench train: \(failure)")
            exit(2)
        }
        do { try benchmark(settings) } catch {
            Bench.printError("mcnd-bench train: \(error)")
            exit(1)
        }
    }

    static func parse(_ arguments: [String]) throws -> Settings {
        var settings = Settings()
        var rest = arguments[...]
        func positive(_ flag: String) throws -> Int {
            guard let text = rest.popFirst() else { throw Failure.usage("\(flag) needs a value") }
            guard let value = Int(text), value > 0 else { throw Failure.usage("\(flag) must be a positive integer (got \(text))") }
            return value
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--epochs": settings.epochs = try positive(flag)
            case "--threads": settings.threads = try positive(flag)
            case "--batch": settings.batchSize = try positive(flag)
            case "--lr":
                guard let text = rest.popFirst(), let value = Float(text), value > 0 else {
                    throw Failure.usage("--lr takes a positive number")
                }
                settings.learningRate = value
            case "--precision":
                guard let text = rest.popFirst(), let value = TrainingPrecision(rawValue: text) else {
                    throw Failure.usage("--precision takes f32, bf16 or auto")
                }
                settings.precision = value
            case "--config":
                guard let text = rest.popFirst(), ["book", "default"].contains(text) else {
                    throw Failure.usage("--config takes book or default")
                }
                settings.configuration = text
            case "--data":
                guard let directory = rest.popFirst() else { throw Failure.usage("--data needs a directory") }
                settings.directory = directory
            case "-h", "--help": throw Failure.usage("times the book's training workload")
            default: throw Failure.usage("unknown option \(flag)")
            }
        }
        return settings
    }

    static func benchmark(_ settings: Settings) throws {
        let loadStart = Bench.now()
        let images = try IDXFile.read(path: "\(settings.directory)/train-images-idx3-ubyte.gz")
        let labelFile = try IDXFile.read(path: "\(settings.directory)/train-labels-idx1-ubyte.gz")
        guard images.dimensions.count == 3, labelFile.dimensions.count == 1,
            images.dimensions[0] == labelFile.dimensions[0],
            images.dimensions[0] >= trainRows + validationRows
        else {
            throw Failure.data(
                "expected ≥ \(trainRows + validationRows) images with labels, got images \(images.dimensions), labels \(labelFile.dimensions)"
            )
        }
        let width = images.dimensions[1] * images.dimensions[2]
        let labels = labelFile.bytes.map { Int32($0) }
        let classes = Int(labels.max()!) + 1
        let train = FeatureRows(pixels: Array(images.bytes[0..<trainRows * width]), width: width)
        let validation = FeatureRows(
            pixels: Array(images.bytes[trainRows * width..<(trainRows + validationRows) * width]), width: width)
        let trainLabels = Array(labels[0..<trainRows])
        let validationLabels = Array(labels[trainRows..<trainRows + validationRows])
        let loadSeconds = Bench.now() - loadStart

        var options = settings.configuration == "book" ? TrainingOptions.book : TrainingOptions()
        options.threads = settings.threads
        options.precision = settings.precision
        if settings.configuration == "book" || settings.epochs != Settings().epochs { options.epochs = settings.epochs }
        if let batch = settings.batchSize { options.batchSize = batch }
        if let rate = settings.learningRate { options.learningRate = rate }
        let precision = options.precision.resolved
        print(
            "mcnd: \(trainRows)×\(width) train, \(validationRows) validation, \(settings.configuration) configuration: units \(options.units), "
                + "batch \(options.batchSize), lr \(options.learningRate), \(options.optimizer.rawValue), \(options.schedule.rawValue), "
                + "\(options.initialization.rawValue) init, \(precision.rawValue), \(settings.threads) thread(s), \(options.epochs) epochs "
                + "(data loaded in \(Bench.fixed(loadSeconds, 2)) s)")
        let kernels = precision.kernels(inputs: width, units: options.units, batchRows: options.batchSize, parts: settings.threads)
        print("mcnd: \(TrainingPrecision.cpuDescription); kernels \(kernels)")
        // CPU seconds of the whole process per epoch: with one thread, a figure
        // other processes on the machine disturb far less than wall time.
        var cpuSeconds: [Double] = [], lastCPU = Bench.cpuSeconds()
        let result = try Trainer(options: options).train(
            rows: train, labels: trainLabels, classes: classes,
            validation: (validation, validationLabels)
        ) { report in
            let cpu = Bench.cpuSeconds()
            cpuSeconds.append(cpu - lastCPU)
            lastCPU = cpu
            print(
                "mcnd epoch \(report.epoch): \(Bench.fixed(report.seconds, 4)) s (cpu \(Bench.fixed(cpuSeconds.last!, 4)) s)  loss \(Bench.fixed(report.loss, 4))  "
                    + "val_loss \(Bench.fixed(report.validationLoss ?? .nan, 4))  val_accuracy \(Bench.fixed(report.validationAccuracy ?? .nan, 4))"
            )
            fflush(nil)  // stream each epoch line through a pipe as it happens
        }

        let seconds = result.reports.map(\.seconds).sorted()
        let median =
            seconds.count % 2 == 1
            ? seconds[seconds.count / 2]
            : (seconds[seconds.count / 2 - 1] + seconds[seconds.count / 2]) / 2
        let accuracy = result.reports.last?.validationAccuracy ?? .nan
        var toAccuracy = Double.nan, elapsed = 0.0
        for report in result.reports {
            elapsed += report.trainingSeconds
            if (report.validationAccuracy ?? 0) >= 0.895 {
                toAccuracy = elapsed
                break
            }
        }
        let trainingSeconds = result.reports.reduce(0) { $0 + $1.trainingSeconds }
        print(
            "mcnd: training \(Bench.fixed(trainingSeconds, 3)) s in all; validation 0.895 reached after "
                + "\(toAccuracy.isFinite ? Bench.fixed(toAccuracy, 3) + " s of training" : "— (not reached)")")
        let cpuMedian = Bench.median(cpuSeconds)
        print(
            "mcnd: median \(Bench.fixed(median, 4)) s/epoch (cpu \(Bench.fixed(cpuMedian, 4)) s), min \(Bench.fixed(seconds.first!, 4)), max \(Bench.fixed(seconds.last!, 4)) "
                + "over \(seconds.count) epochs; final val_accuracy \(Bench.fixed(accuracy, 4))")
        // The same epoch's matrix products alone: what the epoch cannot go below.
        let floor = Bench.median(
            try ProductFloor(
                trainRows: trainRows, validationRows: validationRows, inputs: width, classes: classes, options: options
            ).epochSeconds(epochs: max(settings.epochs, 5)))
        print(
            "mcnd: the epoch's products alone (same shapes, oneDNN, threads, precision): median \(Bench.fixed(floor, 4)) s/epoch; "
                + "mcnd's epoch is \(Bench.fixed(median / floor, 2))× that")
        let perEpoch = result.reports.map { Bench.fixed($0.seconds, 6) }.joined(separator: ",")
        print(
            #"{"bench":"train","impl":"mcnd-\#(precision.rawValue)","config":"\#(settings.configuration)","epochs":\#(seconds.count),"threads":\#(settings.threads),"#
                + #""batch":\#(options.batchSize),"kernel":"\#(kernels)","training_s":\#(Bench.fixed(trainingSeconds, 6)),"#
                + #""to_0895_s":\#(Bench.fixed(toAccuracy, 6)),"train_rows":\#(trainRows),"validation_rows":\#(validationRows),"#
                + #""median_s":\#(Bench.fixed(median, 6)),"cpu_median_s":\#(Bench.fixed(cpuMedian, 6)),"min_s":\#(Bench.fixed(seconds.first!, 6)),"max_s":\#(Bench.fixed(seconds.last!, 6)),"#
                + #""floor_s":\#(Bench.fixed(floor, 6)),"floor_ratio":\#(Bench.fixed(median / floor, 3)),"#
                + #""epoch_s":[\#(perEpoch)],"val_accuracy":\#(Bench.fixed(accuracy, 6)),"load_s":\#(Bench.fixed(loadSeconds, 3))}"#)
    }

}
