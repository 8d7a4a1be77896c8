import MCNDFileSystem

/// One batch of inbox files read, hashed and decoded (`InputPreparation`), and
/// whether each one's destination name is taken — the work that changes
/// nothing on disk, done while the batch before is being journaled.
struct PreparedBatch: Sendable {
    /// One per entry, in the batch's order.
    let prepared: [InputPreparation.Prepared]
    /// One per entry: whether `destination/<its name>` was taken (nil: not looked at).
    let destinationTaken: [Bool?]

    /// `destination`: the folder the batch's files go to, relative to the root (nil: none).
    init(_ chunk: ArraySlice<InboxEntry>, preparation: InputPreparation, destination: String?) {
        prepared = preparation.prepare(chunk)
        guard let destination else {
            destinationTaken = Array(repeating: nil, count: prepared.count)
            return
        }
        let folders = OpenFolders(root: preparation.root)
        destinationTaken = prepared.map { item in
            guard case .success = item.read else { return nil }
            return folders.exists(RawPath(destination) + item.entry.relative)
        }
    }

    /// The contents of the files that were read.
    var sha256: [String] {
        prepared.compactMap { if case .success(let read) = $0.read { read.sha256 } else { nil } }
    }
}
