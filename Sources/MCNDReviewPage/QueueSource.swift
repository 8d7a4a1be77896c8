import Glibc
import MCNDFileSystem
import MCNDPipeline
import Synchronization

/// The review queue as the page shows it: the state's waiting items whose
/// file is still in review/ (a file moved by hand or by the page drops out at
/// once, before the daemon has taken it in), most doubtful first. A read is
/// kept while it is provably current — no commit to the state since
/// (`PRAGMA data_version`) and no name added to or taken from review/ or a
/// folder in it (each folder's inode and times) — so paging through 10,000
/// items, or opening the page again, reads the state once.
final class QueueSource: Sendable {
    let root: Directory
    let layout: RootLayout
    let busyTimeout: Double
    private let state = Mutex<Cache>(Cache())

    private struct Cache {
        var store: StateStore?
        var queue: Queue?
        var version: Int64?
        var folders: [FolderStamp]?
    }

    /// A folder of review/ (or review/ itself) as `fstatat` saw it: a rename in or out changes its times.
    struct FolderStamp: Equatable, Sendable {
        var name: [UInt8]
        var inode: UInt64
        var modified: Int64
        var changed: Int64
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
        let store = try store()
        // Taken before the read: a change during it makes the next request read again.
        let version: Int64
        do { version = try store.dataVersion() } catch { throw .state(error) }
        let folders = folderStamps()
        if let folders, let queue = state.withLock({ $0.version == version && $0.folders == folders ? $0.queue : nil }) {
            return queue
        }
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
            $0.version = version
            $0.folders = folders
        }
        return queue
    }

    /// review/ and each folder in it; nil when review/ cannot be read (then nothing is reused).
    private func folderStamps() -> [FolderStamp]? {
        let review = RootLayout.Folder.review.name
        guard let top = (try? root.status(review)) ?? nil, let folders = try? root.openDirectory(review).entriesWithKinds() else {
            return nil
        }
        var stamps = [FolderStamp(name: [], inode: top.inode, modified: top.modified, changed: top.changed)]
        for (folder, kind) in folders.sorted(by: { $0.name.bytes.lexicographicallyPrecedes($1.name.bytes) })
        where kind == .directory || kind == nil {
            guard let st = (try? root.status(review + folder)) ?? nil else { return nil }
            stamps.append(FolderStamp(name: folder.bytes, inode: st.inode, modified: st.modified, changed: st.changed))
        }
        // File times tick coarsely (a few ms): a folder changed within the last second may change again
        // without its times moving, so such a read is not kept.
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let recent = (Int64(now.tv_sec) - 1) * 1_000_000_000 + Int64(now.tv_nsec)
        return stamps.contains { max($0.modified, $0.changed) > recent } ? nil : stamps
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
