import MCNDModel

/// A predictions.jsonl line: file, sha256, label, confidence, probabilities
/// (label → probability, in label order), model_version, time.
enum PredictionLine {
    /// `extra` adds keys after `time` (the review marks).
    static func make(
        file: RawPath, sha256: String, probabilities row: ArraySlice<Float>, model: ModelFile, time: String,
        extra: (inout JSONLine) -> Void = { _ in }
    ) -> String {
        var best = row.startIndex
        for i in row.indices where row[i] > row[best] { best = i }
        var line = JSONLine()
        line.addFile(file)
        line.add("sha256", sha256)
        line.add("label", model.labels[best - row.startIndex])
        line.add("confidence", row[best])
        line.add("probabilities", object: zip(model.labels, row).map { ($0, $1) })
        line.add("model_version", model.version)
        line.add("time", time)
        extra(&line)
        return line.line
    }
}
