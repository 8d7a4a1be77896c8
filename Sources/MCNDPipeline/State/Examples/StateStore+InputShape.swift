import GRDB

extension StateStore {
    /// The input shape the examples chose, if they did.
    public func inputShape() throws(PipelineError) -> InputShape? {
        try meta(MetaKey.inputShape.rawValue).flatMap(InputShape.init(encoded:))
    }

    func setInputShape(_ shape: InputShape) throws(PipelineError) {
        try setMeta(MetaKey.inputShape.rawValue, shape.encoded())
    }

    /// For a state from before shapes were chosen: the shape most of its
    /// examples were stored at (they keep it), or nil when there are none.
    func storedExampleShape() throws(PipelineError) -> InputShape? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT width, height, channels, COUNT(*) AS n FROM examples
                        GROUP BY width, height, channels ORDER BY n DESC LIMIT 1
                        """)
            else { return nil }
            let channels: Int = row["channels"]
            return InputShape(
                width: row["width"], height: row["height"], channels: channels == 3 ? "rgb" : "gray", examples: row["n"],
                colourful: 0, sources: "the examples stored before the shape was chosen")
        }
    }
}
