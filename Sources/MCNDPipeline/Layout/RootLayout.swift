import MCNDFileSystem

/// The folders of a root, as the folder contract (docs/folders.md) lays them out. The `String` paths are
/// for messages and for SQLite; every file operation goes through the root's
/// `Directory` with the relative names below.
public struct RootLayout: Sendable, Equatable {
    public let root: String

    /// The folders directly under the root.
    public enum Folder: String, Sendable, CaseIterable {
        case inbox, outbox, archive, review, rejected, state
        public var name: RawPath { RawPath(rawValue) }
        /// The folder with a slash, to test whether a relative path is beneath it.
        public var prefix: [UInt8] { Array((rawValue + "/").utf8) }
    }

    /// The folders under archive/, one per way an input ends there.
    public enum Archive: String, Sendable, CaseIterable {
        /// Labeled examples, by label: the dataset `mcnd rebuild` reads back.
        case labeled = "archive/labeled"
        /// Predicted requests whose answer went to outbox/ directly.
        case predicted = "archive/predicted"
        /// Review items a person dismissed on the review page (never deleted).
        case dismissed = "archive/dismissed"
        public var name: RawPath { RawPath(rawValue) }
    }

    /// Names beneath the root.
    public enum Name {
        public static let models = RawPath("state/models")
        public static let database = RawPath("state/mcnd.sqlite")
        public static let lock = RawPath("state/lock")
        public static let trainingWait = RawPath("state/training-wait.json")
        public static let predictions = RawPath("outbox/predictions.jsonl")
        public static let losses = RawPath("outbox/losses.jsonl")
        public static let events = RawPath("outbox/events.jsonl")
        public static let rescored = RawPath("outbox/rescored.jsonl")
        public static let lossChart = RawPath("outbox/losses.svg")
        public static let reportPage = RawPath("outbox/report.html")
        public static let reportData = RawPath("outbox/report.json")
        /// `metrics.textfile`'s default.
        public static let metrics = RawPath("outbox/mcnd.prom")
        /// The review page's access token.
        public static let reviewToken = RawPath("state/review-token")
        public static func model(_ version: Int) -> RawPath { RawPath("state/models/model-\(version).npz") }
        /// The version a file name under state/models/ names (`model-N.npz`), the inverse of `model(_:)`.
        public static func modelVersion(fileName name: String) -> Int? {
            guard name.hasPrefix("model-"), name.hasSuffix(".npz") else { return nil }
            return Int(name.dropFirst(6).dropLast(4))
        }
    }

    public init(root: String) {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        self.root = r
    }

    /// Full paths, for messages, SQLite and the watcher (every other name: `path(_:)`).
    public var inbox: String { path(Folder.inbox.name) }
    public var state: String { path(Folder.state.name) }
    public var database: String { path(Name.database) }
    public var defaultConfiguration: String { root + "/" + ConfigurationTemplate.fileName }

    /// Opens the root folder itself: the one path resolved from the top.
    public func open() throws(PipelineError) -> Directory {
        do { return try Directory.open(path: root) } catch { throw PipelineError(error) }
    }

    /// Opens a root that has state already (`status`, `report`, `models`): the
    /// database is looked up beneath the root, never created here.
    public func openExisting() throws(PipelineError) -> Directory {
        let noState = PipelineError.badLayout("\(root) has no state yet; run `mcnd init \(root)` or `mcnd --once`")
        guard let directory = try? open() else { throw noState }
        guard directory.exists(Name.database) else { throw noState }
        return directory
    }

    /// Creates every folder that is missing (0755) beneath `directory`, and
    /// makes the creation durable.
    public func create(in directory: Directory) throws(PipelineError) {
        do {
            var made = false
            for folder in Folder.allCases { made = try directory.makeDirectory(folder.name) || made }
            if try directory.makeDirectory(Name.models) { try directory.sync(Folder.state.name) }
            if made { try directory.sync() }
        } catch {
            throw PipelineError(error)
        }
    }

    /// Path of `absolute` relative to the root, for messages and events.
    public func relative(_ absolute: String) -> String {
        absolute.hasPrefix(root + "/") ? String(absolute.dropFirst(root.count + 1)) : absolute
    }

    /// `relative` (beneath the root) as a full path, for messages.
    public func path(_ relative: RawPath) -> String { root + "/" + relative.display }
}
