import Foundation
import MCNDFileSystem
import MCNDImaging
import MCNDModel
import MCNDThreads

/// The per-file work of a batch — open beneath the root, read, SHA-256,
/// decode and normalize — spread over the cores. The stages then decide
/// outcomes serially, in the batch's order: `prepare` returns one result per
/// entry, in the order given, whatever thread did the work, so log lines and
/// the journal's order do not depend on the threads. Public for the tests
/// that compare it with one thread.
public struct InputPreparation: Sendable {
    public let root: Directory
    /// limits.max_bytes: larger inputs are not read.
    public let limit: Int
    public let normalizer: ImageNormalizer
    /// Threads the batch is split over; 1 does it all on the caller's thread.
    public let workers: Int
    /// The folder the entries are relative to: inbox/, or archive/labeled/ for `mcnd rebuild`.
    public let folder: RawPath

    public init(
        root: Directory, limit: Int, normalizer: ImageNormalizer, workers: Int = InputPreparation.defaultWorkers,
        folder: RawPath = RootLayout.Folder.inbox.name
    ) {
        self.root = root
        self.folder = folder
        self.limit = limit
        self.normalizer = normalizer
        self.workers = max(1, workers)
    }

    /// One worker per core (the machines mcnd runs on have few); more would only queue.
    public static let defaultWorkers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// What a file gave: its read (or why there was none), its hash and its pixels.
    public struct Prepared: Sendable, Equatable {
        public let entry: InboxEntry
        public let read: Result<Read, InputFailure>
    }

    public struct Read: Sendable, Equatable {
        public let sha256: String
        public let identity: FileIdentity
        public let pixels: Result<[UInt8], ImageRejection>
        /// The PNG's own format, from the header the decoder read (nil when it did not decode).
        public var source: SourceFormat? = nil
    }

    /// The results for `entries`, in their order. Entries with a `problem`
    /// (a symlink, a bad label name) are not opened; their result is
    /// `.notRegular` and the stages do not look at it.
    public func prepare(_ entries: some Collection<InboxEntry>) -> [Prepared] {
        let entries = Array(entries)
        // The batch's folders (inbox/, its label folders) opened once, beneath the
        // root like every name: each file is then one name looked up in its
        // folder, not a walk from the root. A folder that does not open (gone,
        // swapped for a symlink) leaves its files to the walk from the root,
        // which tells what happened to them.
        var folders: [RawPath: Directory] = [:]
        var tried: Set<RawPath> = []
        for entry in entries where entry.problem == nil {
            let parent = entry.relative.parent
            if tried.insert(parent).inserted, let open = try? root.openDirectory(folder + parent) { folders[parent] = open }
        }
        return ParallelParts.map(entries, workers: workers) { [folders] entry in prepare(entry, folders: folders) }
    }

    private func prepare(_ entry: InboxEntry, folders: [RawPath: Directory]) -> Prepared {
        guard entry.problem == nil else { return Prepared(entry: entry, read: .failure(.notRegular("not opened"))) }
        do {
            let (bytes, identity): ([UInt8], FileIdentity)
            if let parent = folders[entry.relative.parent] {
                (bytes, identity) = try InputReader(root: parent).read(
                    RawPath(entry.relative.lastComponent), limit: limit, seen: entry.seen)
            } else {
                (bytes, identity) = try InputReader(root: root).read(folder + entry.relative, limit: limit, seen: entry.seen)
            }
            let normalized = Result { () throws(ImageRejection) in try normalizer.normalizeKeepingSource(png: bytes) }
            let read = Read(
                sha256: ContentHash.hex(bytes), identity: identity, pixels: normalized.map { $0.pixels },
                source: try? normalized.get().source)
            return Prepared(entry: entry, read: .success(read))
        } catch {
            return Prepared(entry: entry, read: .failure(error))
        }
    }
}
