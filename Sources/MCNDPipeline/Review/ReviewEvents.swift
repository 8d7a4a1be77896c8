import MCNDModel

/// The review loop's JSON: the `calibration` object of `model_promoted`, the
/// `confirmed`/`corrected` events, the lines of rescored.jsonl.
enum ReviewEvents {
    /// Event names.
    enum Name {
        static let confirmed = "confirmed"
        static let corrected = "corrected"
    }

    static func calibration(_ r: ReviewCalibration) -> JSONLine {
        var o = JSONLine()
        o.add("temperature", r.temperature)
        o.add("ece_before", r.eceBefore)
        o.add("ece_after", r.eceAfter)
        o.add("val_samples", r.validationRows)
        o.add("target_precision", r.targetPrecision)
        // What the format check compares requests with (absent: not recorded, no format check).
        if let formats = r.formats { o.add("formats", formats.description) }
        return o
    }

    /// `file` is the labeled file (relative to inbox/), `label` its folder.
    static func resolution(_ item: ReviewItem, file: RawPath, label: String) -> (ReviewItem.Status, String) {
        let status: ReviewItem.Status = label != item.label ? .corrected : .confirmed
        var line = JSONLine()
        line.add("event", status == .confirmed ? Name.confirmed : Name.corrected)
        line.add("time", Timestamp.now())
        line.addFile(file)
        line.add("sha256", item.sha256)
        line.add("label", label)
        line.add("predicted", item.label)
        line.add("model_version", item.modelVersion)
        line.add("audit", item.audit)
        line.add("unfamiliar", item.unfamiliar)
        if let reason = item.unfamiliarReason { line.add("unfamiliar_reason", reason.rawValue) }
        line.add("review_file", RawPath(item.path).display)
        return (status, line.line)
    }

    static func rescored(_ item: ReviewItem, decision d: ReviewRouter.Decision, model: ModelFile, movedTo: RawPath?) -> String {
        var line = JSONLine()
        line.add("file", item.file)
        line.add("sha256", item.sha256)
        line.add("label", d.label)
        line.add("confidence", d.assessment.confidence)
        line.add("previous_label", item.label)
        line.add("previous_model_version", item.modelVersion)
        line.add("model_version", model.version)
        line.add("moved_from", RawPath(item.path).display)
        if let movedTo { line.add("moved_to", movedTo.display) } else { line.add("moved_to", nil as Int?) }
        line.add("time", Timestamp.now())
        return line.line
    }
}
