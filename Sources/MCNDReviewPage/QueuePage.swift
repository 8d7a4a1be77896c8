import MCNDPipeline

/// One page of the queue as `GET /api/queue` answers it (snake_case JSON,
/// documented in docs/review-page.md).
struct QueuePage: Encodable, Sendable {
    var modelVersion: Int?
    /// Items waiting, in all groups.
    var total: Int
    /// Waiting items per folder below review/ (the predicted label, or `_unfamiliar`), largest first.
    var groups: [Group]
    /// Every label a file can be moved to, in the dataset's order (keys 1–9 are the first nine).
    var labels: [String]
    var audit: Audit?
    /// The group this page is of (nil: all).
    var group: String?
    var offset: Int
    var limit: Int
    /// Items in this group (or all), for paging.
    var count: Int
    var items: [Item]

    struct Group: Encodable, Sendable {
        var label: String
        var count: Int
    }

    /// The accuracy of auto-accepted answers, estimated from the audits people sorted (95 % Wilson interval).
    struct Audit: Encodable, Sendable {
        var samples: Int
        var accuracy: Double
        var low: Double?
        var high: Double?
    }

    struct Item: Encodable, Sendable {
        var id: Int64
        var label: String
        var confidence: Double
        var alternatives: [ReviewItem.Alternative]
        var audit: Bool
        var unfamiliar: Bool
        var unfamiliarReason: String?
        /// The request's name as it was in the inbox, to read (the page names items by `id` only).
        var file: String
        var folder: String
        var modelVersion: Int
    }

    /// The waiting rows of `group` (a folder name, or nil for all), most doubtful first.
    static func selected(_ queue: QueueSource.Queue, group: String?) -> [ReviewQueueRows.Key] {
        group.map { g in queue.keys.filter { $0.folder == g } } ?? queue.keys
    }

    /// `count`: the rows of `group`; `rows`: this page's, in full and in order.
    init(_ queue: QueueSource.Queue, group: String?, offset: Int, limit: Int, count: Int, rows: [ReviewItem]) {
        modelVersion = queue.servingVersion
        total = queue.keys.count
        groups = queue.groups.map { Group(label: $0.label, count: $0.count) }
        labels = queue.labels
        if let status = queue.audit, let accuracy = status.auditAccuracy {
            audit = Audit(samples: status.auditSamples, accuracy: accuracy, low: status.auditLow, high: status.auditHigh)
        }
        self.group = group
        self.offset = offset
        self.limit = limit
        self.count = count
        items = rows.compactMap { item in
            guard let id = item.id else { return nil }
            return Item(
                id: id, label: item.label, confidence: item.confidence, alternatives: item.alternatives, audit: item.audit,
                unfamiliar: item.unfamiliar, unfamiliarReason: item.unfamiliarReason?.rawValue, file: item.file, folder: item.folder,
                modelVersion: item.modelVersion)
        }
    }
}
