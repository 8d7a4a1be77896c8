import Glibc

/// `mcnd-bench <suite> [options]`: prints mcnd's own figures; the scripts in
/// scripts/ run the Python peers beside it in the same invocation.
@main
enum Main {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "train": try TrainingBenchmark.run(Array(arguments.dropFirst()))
        case "imaging": try ImagingBenchmark.run(Array(arguments.dropFirst()))
        case "latency": try LatencyBenchmark.run(Array(arguments.dropFirst()))
        case "accuracy": try AccuracyBenchmark.run(Array(arguments.dropFirst()))
        case "small-data": try SmallDataBenchmark.run(Array(arguments.dropFirst()))
        default:
            print("usage: mcnd-bench train|accuracy|small-data|imaging|latency [options]")
            exit(2)
        }
    }
}
