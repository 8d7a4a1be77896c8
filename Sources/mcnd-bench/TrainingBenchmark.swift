enum TrainingBenchmark {
    static func run(_ arguments: [String]) throws { print("not built yet") }
}
