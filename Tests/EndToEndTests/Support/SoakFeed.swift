import Foundation
import MCNDTestSupport

/// The files the soak drops, made before it starts: distinct Fashion-MNIST
/// images (test split as requests, training split as examples of three labels).
struct Feed {
    let requests: [String]
    let examples: [String]
    private let requestPNGs: [[UInt8]]
    private let examplePNGs: [[UInt8]]
    private let requestsPerSecond: Double
    private let examplesPerSecond: Double
    private(set) var requestsDropped = 0
    private(set) var examplesDropped = 0

    var requestsSent: [String] { Array(requests.prefix(requestsDropped)) }

    init(seconds: Double, requestsPerSecond: Double, examplesPerSecond: Double) throws {
        let test = try Fashion.testSplit(), train = try Fashion.trainSplit()
        let requestCount = Int(seconds * requestsPerSecond) + 1, exampleCount = Int(seconds * examplesPerSecond) + 1
        // The test split has 10,000 images: past that, names stay distinct and contents repeat (each is still one request).
        requestPNGs = try (0..<requestCount).map { try test.png($0 % 10_000) }
        requests = (0..<requestCount).map { String(format: "request-%06d.png", $0) }
        // In file order, so the three labels come mixed from the first examples on.
        let indices = train.stratified(perClass: exampleCount / 3 + 1, classes: [0, 1, 7]).prefix(exampleCount)
        examplePNGs = try indices.map { try train.png($0) }
        examples = indices.map { "\(Fashion.name(train.label($0)))/example-\($0).png" }
        self.requestsPerSecond = requestsPerSecond
        self.examplesPerSecond = examplesPerSecond
    }

    /// Drops every file due by `t` seconds.
    mutating func drop(upTo t: Double, into inbox: String) throws {
        while requestsDropped < min(requests.count, Int(t * requestsPerSecond) + 1) {
            try Files.drop(requestPNGs[requestsDropped], into: inbox, as: requests[requestsDropped])
            requestsDropped += 1
        }
        while examplesDropped < min(examples.count, Int(t * examplesPerSecond) + 1) {
            try Files.drop(examplePNGs[examplesDropped], into: inbox, as: examples[examplesDropped])
            examplesDropped += 1
        }
    }
}
