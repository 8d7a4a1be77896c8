import MCNDFileSystem
import MCNDPipeline
import Synchronization

/// The review queue as the page shows it: the state's waiting items whose
/// file is still in review/ (a file moved by hand or by the page drops out at
/// once, before the daemon has taken it in), most doubtful first. Read once
/// and kept for a moment, so paging through 10,000 items reads the state once.
final class QueueSource: Sendable {
    let root: Directory
    let layout: RootLayout
    let busyTimeout: Double
    /// How long a read of the queue is reused (moves made through the page drop it at once).
    static let reuseSeconds = 2.0
    private let state = Mutex<Cache>(Cache())

    private struct Cache {
        var store: StateStore?
        var queue: Queue?
        var read = ContinuousClock.now
    }

    struct Queue: Sendable {
        /// Waiting rows whose file is in review/, most doubtful first.
        var keys: [ReviewQueueRows.Key]
        /// Waiting files per folder below review/, largest first.
        var groups: [(label: String, count: Int)]
        var labels: [String]
        var servingVersion: Int?
        var audit: ReviewStatus?
    }

    init(root: Directory, layout: RootLayout, busyTimeout: Double) {
        self.root = root
        self.layout = layout
        self.busyTimeout = busyTimeout
    }

    /// The state, opened read-only on first use (the daemon may not have made it when the server starts).
    func store() throws(ReviewPageError) -> StateStore {
        if let store = state.withLock({ $0.store }) { return store }
        guard root.exists(RootLayout.Name.database) else { throw .noState(root: layout.root) }
        do {
            let store = try StateStore(readingOnly: layout, root: root, busyTimeout: busyTimeout)
            state.withLock { $0.store = store }
            return store
        } catch {
            throw .state(error)
        }
    }

    func item(id: Int64) throws(ReviewPageError) -> ReviewItem? {
        let store = try store()
        do { return try store.reviewQueueItem(id: id) } catch { throw .state(error) }
    }

    /// The rows a page shows, in full, in the order asked.
    func items(ids: [Int64]) throws(ReviewPageError) -> [ReviewItem] {
        let store = try store()
        do { return try store.reviewQueueItems(ids: ids) } catch { throw .state(error) }
    }

    func forget() { state.withLock { $0.queue = nil } }

    func queue() throws(ReviewPageError) -> Queue {
        let now = ContinuousClock.now
        if let queue = state.withLock({ now - $0.read < .seconds(Self.reuseSeconds) ? $0.queue : nil }) { return queue }
        let store = try store()
        let rows: ReviewQueueRows
        let audit: ReviewStatus
        do {
            rows = try store.reviewQueueRows()
            audit = try store.reviewStatus(serving: nil)
        } catch {
            throw .state(error)
        }
        let present = presentFiles()
        let keys = rows.keys.filter { present.contains($0.path) }
        var counts: [String: Int] = [:]
        for key in keys { counts[key.folder, default: 0] += 1 }
        let groups = counts.map { (label: $0.key, count: $0.value) }.sorted { ($0.count, $1.label) > ($1.count, $0.label) }
        let queue = Queue(keys: keys, groups: groups, labels: rows.labels, servingVersion: rows.servingVersion, audit: audit)
        state.withLock {
            $0.queue = queue
            $0.read = now
        }
        return queue
    }

    /// Every name in review/<folder>/ (one listing per folder, not a lookup per item).
    private func presentFiles() -> Set<[UInt8]> {
        let review = RootLayout.Folder.review.name
        guard let folders = try? root.openDirectory(review).entriesWithKinds() else { return [] }
        var present: Set<[UInt8]> = []
        for (folder, kind) in folders where kind == .directory || kind == nil {
            guard let names = try? root.openDirectory(review + folder).entries() else { continue }
            for name in names { present.insert((review + folder + name).bytes) }
        }
        return present
    }
}
