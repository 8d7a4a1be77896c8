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

    /// `group`: a folder name, or nil for all; most doubtful first in either case.
    init(_ queue: QueueSource.Queue, group: String?, offset: Int, limit: Int) {
        modelVersion = queue.servingVersion
        total = queue.items.count
        var counts: [String: Int] = [:]
        for item in queue.items { counts[item.folder, default: 0] += 1 }
        groups = counts.map { Group(label: $0.key, count: $0.value) }.sorted { ($0.count, $1.label) > ($1.count, $0.label) }
        labels = queue.labels
        if let status = queue.audit, let accuracy = status.auditAccuracy {
            audit = Audit(samples: status.auditSamples, accuracy: accuracy, low: status.auditLow, high: status.auditHigh)
        }
        self.group = group
        self.offset = offset
        self.limit = limit
        let selected = group.map { g in queue.items.filter { $0.folder == g } } ?? queue.items
        count = selected.count
        items = selected.dropFirst(offset).prefix(limit).compactMap { item in
            guard let id = item.id else { return nil }
            return Item(
                id: id, label: item.label, confidence: item.confidence, alternatives: item.alternatives, audit: item.audit,
                unfamiliar: item.unfamiliar, unfamiliarReason: item.unfamiliarReason?.rawValue, file: item.file, folder: item.folder,
                modelVersion: item.modelVersion)
        }
    }
}
