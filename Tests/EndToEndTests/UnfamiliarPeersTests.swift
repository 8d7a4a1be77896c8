import Foundation
import MCNDTestSupport
import Testing

extension EndToEnd {
    /// mcnd's content check against the simple detectors it must beat (issue
    /// 25), through the built binary: `scripts/peers/unfamiliar.py` (what
    /// `scripts/bench-unfamiliar` runs) trains mcnd on 20,000 Fashion-MNIST
    /// training images with the format check off, drops the 10,000 t10k images
    /// and six foreign sets as 28×28 gray PNGs, and sets each peer's cut-off
    /// (nearest-neighbour distance, PCA residual, pixel Mahalanobis) to flag
    /// exactly as many t10k images as mcnd did. Needs python3 with numpy,
    /// scikit-learn and Pillow (`scripts/setup`). A few minutes:
    /// `swift test -c release --skip-build --filter UnfamiliarPeersTests`.
    @Suite("The content check against its peers (slow)", .tags(.slow)) struct UnfamiliarPeersTests {
        struct Row: Decodable {
            var set: String
            var n: Int
            var mcnd: Double
            var knn: Double
            var pca: Double
            var mahalanobis: Double
            var bestPeer: Double
        }

        struct Summary: Decodable {
            var test: Int
            var testFlagged: Int
            var rows: [Row]
        }

        @Test("on every foreign set, mcnd flags at least as many as the best peer at mcnd's t10k rate")
        func atLeastTheBestPeerOnEverySet() throws {
            let scratch = try Scratch("unfamiliar-peers")
            let script = ReportRoot.packageRoot.appendingPathComponent("scripts/peers/unfamiliar.py").path
            let python = ProcessInfo.processInfo.environment["PYTHON"].map { [$0] } ?? ["/usr/bin/env", "python3"]
            let probe = try Shell.run(python + ["-c", "import numpy, sklearn, PIL"])
            guard probe.status == 0 else {
                throw TestFailure("python3 with numpy, scikit-learn and Pillow is needed (scripts/setup): \(probe.stderr)")
            }
            let json = scratch.appending("unfamiliar.json").path
            let run = try Shell.run(python + [script, "--mcnd", try MCND.path(), "--train", "20000", "--json", json])
            print(run.stdout)
            guard run.status == 0 else { throw TestFailure("unfamiliar.py failed: \(run.stderr)") }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let summary = try decoder.decode(Summary.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
            let rate = Double(summary.testFlagged) / Double(summary.test)
            #expect(rate <= 0.02, "t10k false-flag rate \(rate)")
            let foreign = summary.rows.filter { $0.set != "t10k" }
            #expect(foreign.count == 6, "\(foreign.map(\.set))")
            for row in foreign {
                #expect(row.mcnd >= row.bestPeer, "\(row.set) (\(row.n)): mcnd \(row.mcnd) < best peer \(row.bestPeer)")
            }
        }
    }
}
