import MCNDFileSystem
import MCNDImaging
import MCNDModel
import MCNDThreads

/// One batch of prediction requests read, decoded, run through the network
/// and assessed for review — everything about it that changes nothing on disk,
/// so it can be done while the batch before is being journaled.
struct PredictionBatch: Sendable {
    /// One per request, in the batch's order.
    let prepared: [InputPreparation.Prepared]
    /// For each prepared request that decoded, its row in the forward pass (nil: it did not).
    let rows: [Int?]
    /// One per decoded request, by row.
    let decisions: [ReviewRouter.Decision]
    /// By row: whether a review decision's destination (`review/…/name`) was taken when the batch was read.
    let destinationTaken: [Bool]

    init(
        _ chunk: ArraySlice<InboxEntry>, preparation: InputPreparation, network: MultiClassNetwork, router: ReviewRouter,
        featureCount: Int
    ) {
        prepared = preparation.prepare(chunk)
        var pixels: [UInt8] = []
        pixels.reserveCapacity(chunk.count * featureCount)
        var rows: [Int?] = []
        var hashes: [String] = []
        var sources: [SourceFormat?] = []
        for item in prepared {
            if case .success(let read) = item.read, case .success(let decoded) = read.pixels {
                rows.append(hashes.count)
                hashes.append(read.sha256)
                sources.append(read.source)
                pixels += decoded
            } else {
                rows.append(nil)
            }
        }
        self.rows = rows
        guard !hashes.isEmpty else {
            (decisions, destinationTaken) = ([], [])
            return
        }
        let inputs = FeatureRows(pixels: pixels, width: featureCount)
        let activations = network.activations(inputs)
        let measures = router.measures(activations, inputs: inputs)
        decisions = ParallelParts.map(Array(hashes.indices), workers: preparation.workers) { [hashes, sources] in
            router.decide(activations, row: $0, inputs: inputs, sha256: hashes[$0], measures: measures, source: sources[$0])
        }
        let folders = OpenFolders(root: preparation.root)
        var taken: [Bool] = []
        for (item, row) in zip(prepared, rows) where row != nil {
            // Only review/ names are looked at: an archive/predicted name is left to the move.
            let decision = decisions[row!]
            taken.append(decision.review && folders.exists(RawPath(decision.folder) + item.entry.relative))
        }
        destinationTaken = taken
    }
}
