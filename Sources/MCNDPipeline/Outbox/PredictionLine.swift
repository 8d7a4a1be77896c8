import MCNDModel

/// A predictions.jsonl line: file, sha256, label, confidence, probabilities
/// (label → probability, in label order), model_version, time.
enum PredictionLine {
    /// `extra` adds keys after `time` (the review marks).
    static func make(
        file: RawPath, sha256: String, probabilities row: ArraySlice<Float>, model: ModelFile, time: String,
        extra: (inout JSONLine) -> Void = { _ in }
    ) -> String {
        String(decoding: bytes(file: file, sha256: sha256, probabilities: row, model: model, time: time, extra: extra), as: UTF8.self)
    }

    /// The same line as the bytes the outbox and the journal take.
    static func bytes(
        file: RawPath, sha256: String, probabilities row: ArraySlice<Float>, model: ModelFile, time: String,
        extra: (inout JSONLine) -> Void = { _ in }
    ) -> [UInt8] {
        var best = row.startIndex
        for i in row.indices where row[i] > row[best] { best = i }
        var line = JSONLine()
        line.addFile(file)
        line.add("sha256", sha256)
        line.add("label", model.labels[best - row.startIndex])
        line.add("confidence", row[best])
        line.add("probabilities", names: model.labels, values: row)
        line.add("model_version", model.version)
        line.add("time", time)
        extra(&line)
        return line.bytes
    }
}
