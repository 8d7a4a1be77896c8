/// Feature rows with one class index per row.
public struct LabeledRows: Sendable {
    public var rows: FeatureRows
    public var labels: [Int32]

    public init(rows: FeatureRows, labels: [Int32]) {
        precondition(rows.count == labels.count, "one label per row")
        self.rows = rows
        self.labels = labels
    }

    public var count: Int { labels.count }

    public func subset(_ indices: [Int]) -> LabeledRows {
        LabeledRows(rows: rows.subset(indices), labels: indices.map { labels[$0] })
    }

    /// The same rows read in place (`FeatureRows.sample`), their labels copied.
    func sample(_ indices: [Int]) -> LabeledRows {
        LabeledRows(rows: rows.sample(indices), labels: indices.map { labels[$0] })
    }

    /// A stratified split, as scikit-learn's `train_test_split(stratify=y)`:
    /// each class contributes `round(validationFraction · its count)` rows to
    /// validation, chosen by a seeded shuffle; both parts keep the shuffled order.
    public func stratifiedSplit(validationFraction: Double, seed: UInt64 = 42) -> (train: LabeledRows, validation: LabeledRows) {
        var generator = SeededGenerator(seed: seed)
        var byClass: [Int32: [Int]] = [:]
        for (i, label) in labels.enumerated() { byClass[label, default: []].append(i) }
        var train: [Int] = [], validation: [Int] = []
        for label in byClass.keys.sorted() {
            let members = byClass[label]!
            let order = generator.permutation(members.count).map { members[$0] }
            let cut = Int((Double(members.count) * validationFraction).rounded())
            validation += order[..<cut]
            train += order[cut...]
        }
        let trainOrder = generator.permutation(train.count).map { train[$0] }
        let validationOrder = generator.permutation(validation.count).map { validation[$0] }
        return (subset(trainOrder), subset(validationOrder))
    }
}
