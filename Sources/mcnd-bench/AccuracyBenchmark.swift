import Glibc
import MCNDModel

/// `mcnd-bench accuracy [--config book|default] [--precision P[,P…]] [--seeds S[,S…]]
/// [--epochs N] [--batch B] [--lr R] [--threads T] [--data DIR]`: trains on
/// the stratified 48,000/12,000 split of Fashion-MNIST's training file (the
/// split the accuracy tests use) for every precision and seed, and prints the
/// final validation accuracy, the accuracy on t10k, the training seconds in
/// all and until validation first reached 0.895, then a mean per precision
/// and the bf16 − f32 difference `train.precision: auto` is judged by.
enum AccuracyBenchmark {
    struct Settings {
        var configuration = "default"
        var precisions: [TrainingPrecision] = [.f32, .bf16]
        var seeds: [UInt64] = [42]
        var epochs: Int?
        var batchSize: Int?
        var learningRate: Float?
        var l2: Float?
        var momentum: Float?
        var threads = 2
        var directory = FashionMNIST.directory
    }

    static let usage =
        "usage: mcnd-bench accuracy [--config book|default] [--precision f32,bf16] [--seeds 1,2,3] "
        + "[--epochs N] [--batch B] [--lr R] [--l2 L] [--momentum M] [--threads T] [--data DIR]"

    static func run(_ arguments: [String]) throws {
        var settings = Settings()
        var rest = arguments[...]
        func value(_ flag: String) -> String {
            guard let text = rest.popFirst() else { fail("\(flag) needs a value") }
            return text
        }
        func list<T>(_ flag: String, _ parse: (Substring) -> T?) -> [T] {
            let items = value(flag).split(separator: ",").map(parse)
            guard !items.isEmpty, items.allSatisfy({ $0 != nil }) else { fail("\(flag): cannot read the list") }
            return items.map { $0! }
        }
        func positive(_ flag: String) -> Int {
            guard let n = Int(value(flag)), n > 0 else { fail("\(flag) must be a positive integer") }
            return n
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--config":
                settings.configuration = value(flag)
                guard ["book", "default"].contains(settings.configuration) else { fail("--config takes book or default") }
            case "--precision": settings.precisions = list(flag) { TrainingPrecision(rawValue: String($0)) }
            case "--seeds": settings.seeds = list(flag) { UInt64($0) }
            case "--epochs": settings.epochs = positive(flag)
            case "--batch": settings.batchSize = positive(flag)
            case "--threads": settings.threads = positive(flag)
            case "--lr": settings.learningRate = list(flag) { Float($0) }.first
            case "--l2": settings.l2 = list(flag) { Float($0) }.first
            case "--momentum": settings.momentum = list(flag) { Float($0) }.first
            case "--data": settings.directory = value(flag)
            default: fail("unknown option \(flag)")
            }
        }
        try measure(settings)
    }

    static func fail(_ reason: String) -> Never {
        Bench.printError("mcnd-bench accuracy: \(reason)\n\(usage)")
        exit(2)
    }

    static func measure(_ settings: Settings) throws {
        let (train, validation) = try FashionMNIST.load(.train, directory: settings.directory).stratifiedSplit(validationFraction: 0.2)
        let test = try FashionMNIST.load(.test, directory: settings.directory)
        print(
            "mcnd accuracy: \(settings.configuration) configuration, \(train.count)/\(validation.count) stratified split, "
                + "t10k \(test.count) rows; \(TrainingPrecision.cpuDescription)")
        var results: [TrainingPrecision: [(validation: Double, test: Double)]] = [:]
        for precision in settings.precisions {
            for seed in settings.seeds {
                var options = settings.configuration == "book" ? TrainingOptions.book : TrainingOptions()
                options.precision = precision
                options.seed = seed
                options.threads = settings.threads
                if let epochs = settings.epochs { options.epochs = epochs }
                if let batch = settings.batchSize { options.batchSize = batch }
                if let rate = settings.learningRate { options.learningRate = rate }
                if let l2 = settings.l2 { options.l2 = l2 }
                if let momentum = settings.momentum { options.momentum = momentum }
                let result = try Trainer(options: options).train(
                    rows: train.rows, labels: train.labels, classes: 10, validation: (validation.rows, validation.labels))
                var elapsed = 0.0, reached = Double.nan
                for report in result.reports {
                    elapsed += report.trainingSeconds
                    if reached.isNaN, (report.validationAccuracy ?? 0) >= 0.895 { reached = elapsed }
                }
                let accuracy = result.reports.last?.validationAccuracy ?? .nan
                let testAccuracy = MultiClassNetwork(weights: result.weights).evaluate(test.rows, labels: test.labels).accuracy
                results[precision, default: []].append((accuracy, testAccuracy))
                let curve = result.reports.map { Bench.fixed($0.validationAccuracy ?? .nan, 4) }.joined(separator: " ")
                print(
                    "\(precision.rawValue) seed \(seed): val_accuracy \(Bench.fixed(accuracy, 4)) t10k \(Bench.fixed(testAccuracy, 4)) "
                        + "training \(Bench.fixed(elapsed, 3)) s, 0.895 after \(reached.isNaN ? "—" : Bench.fixed(reached, 3) + " s")  [\(curve)]"
                )
                print(
                    #"{"bench":"accuracy","config":"\#(settings.configuration)","precision":"\#(precision.rawValue)","seed":\#(seed),"#
                        + #""epochs":\#(options.epochs),"val_accuracy":\#(Bench.fixed(accuracy, 6)),"test_accuracy":\#(Bench.fixed(testAccuracy, 6)),"#
                        + #""training_s":\#(Bench.fixed(elapsed, 6)),"to_0895_s":\#(Bench.fixed(reached, 6))}"#)
                fflush(nil)
            }
        }
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
        for precision in settings.precisions {
            let r = results[precision] ?? []
            print(
                "\(precision.rawValue): mean val_accuracy \(Bench.fixed(mean(r.map(\.validation)), 4)), "
                    + "mean t10k \(Bench.fixed(mean(r.map(\.test)), 4)) over \(r.count) seed(s)")
        }
        if let f32 = results[.f32], let bf16 = results[.bf16] {
            print(
                "bf16 − f32: val_accuracy \(Bench.fixed(mean(bf16.map(\.validation)) - mean(f32.map(\.validation)), 4)), "
                    + "t10k \(Bench.fixed(mean(bf16.map(\.test)) - mean(f32.map(\.test)), 4))")
        }
    }
}
