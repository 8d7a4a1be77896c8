import Foundation
import MCNDModel

/// A subset written by `scripts/bench-small-data --write-subsets DIR`:
/// `DIR/subset-<n>.txt`, one training-file index per line, in the daemon's
/// row order; after the index, when the script read them from the daemon's
/// state, the daemon's label number and the row's fold key (from its
/// content hash). With those the in-process bench trains what `mcnd --once`
/// trained: same rows, order, labels and folds.
struct SmallDataSubset {
    var indices: [Int]
    /// The daemon's label number per row (labels sorted by name), or nil: the file's digits.
    var labels: [Int32]?
    var foldKeys: [UInt64]?

    init(directory: String, count: Int) throws {
        let path = "\(directory)/subset-\(count).txt"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var indices: [Int] = [], labels: [Int32] = [], keys: [UInt64] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let first = fields.first, let index = Int(first) else { continue }
            indices.append(index)
            if fields.count >= 3, let label = Int32(fields[1]), let key = UInt64(fields[2]) {
                labels.append(label)
                keys.append(key)
            }
        }
        guard !indices.isEmpty else { throw SubsetError(path: path) }
        self.indices = indices
        self.labels = labels.count == indices.count ? labels : nil
        self.foldKeys = keys.count == indices.count ? keys : nil
    }

    /// This subset's rows of the training file, with the daemon's label numbers when recorded.
    func rows(of all: LabeledRows) -> LabeledRows {
        var out = all.subset(indices)
        if let labels { out.labels = labels }
        return out
    }

    /// Test rows with their labels in the daemon's numbers, as `rows(of:)` gave them (the digits when not recorded).
    func relabel(_ test: LabeledRows, from all: LabeledRows) -> LabeledRows {
        guard let labels else { return test }
        var number = [Int32](repeating: -1, count: 10)
        for (i, index) in indices.enumerated() { number[Int(all.labels[index])] = labels[i] }
        var out = test
        out.labels = test.labels.map { number[Int($0)] }
        return out
    }

    struct SubsetError: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path) lists no training-file index" }
    }
}
