/// outbox/report.html: one self-contained page (inline CSS and SVG, images as
/// `data:` URLs, no script, nothing fetched), readable on a phone and printed.
/// Each section is a `<section id=…>` so tools (and the browser test) find it.
struct ReportPage {
    enum Section: String, CaseIterable {
        case model, curves, confusion, perClass = "per-class", reliability, mistakes, history, rejections, review
    }

    let report: ReportData
    let thumbnails: [Int64: String]

    static let style = """
        body{font-family:system-ui,sans-serif;margin:0 auto;max-width:980px;padding:12px;color:#222;line-height:1.4}
        h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:2px;margin-top:1.6em}
        table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}
        th{background:#f3f3f3}td.l,th.l{text-align:left}.scroll{overflow-x:auto;max-width:100%}
        svg{max-width:100%;height:auto}.cm td{min-width:2.2em}.cm td.diag{outline:2px solid #2ca02c;outline-offset:-2px;font-weight:bold}
        .mistakes{display:flex;flex-wrap:wrap;gap:8px}.mistakes figure{margin:0;width:120px;font-size:.8em;text-align:center}
        .mistakes img{width:84px;height:84px;image-rendering:pixelated;border:1px solid #aaa}.muted{color:#666}
        @media print{body{max-width:none}section{break-inside:avoid}.scroll{overflow:visible}}
        """

    func html() -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        out += "<title>mcnd report</title><style>\(Self.style)</style></head><body>\n"
        out +=
            "<h1>mcnd report</h1><p class=\"muted\">generated \(HTML.escape(report.generated)) by mcnd \(HTML.escape(report.mcndVersion ?? "?")); every number is also in report.json.</p>\n"
        out += model() + curves() + confusion() + perClass() + reliability() + mistakes() + history() + rejections() + review()
        return out + "</body></html>\n"
    }

    private func section(_ s: Section, _ title: String, _ body: String) -> String {
        "<section id=\"\(s.rawValue)\"><h2>\(HTML.escape(title))</h2>\n\(body)</section>\n"
    }

    /// `head` empty: a table of rows only.
    private func table(_ head: [String], _ rows: [[String]], leftColumns: Int = 1) -> String {
        var out = "<div class=\"scroll\"><table>"
        if !head.isEmpty {
            out += "<tr>" + head.enumerated().map { i, h in "<th\(i < leftColumns ? " class=\"l\"" : "")>\(h)</th>" }.joined() + "</tr>\n"
        }
        for row in rows {
            out += "<tr>" + row.enumerated().map { i, c in "<td\(i < leftColumns ? " class=\"l\"" : "")>\(c)</td>" }.joined() + "</tr>\n"
        }
        return out + "</table></div>\n"
    }

    private func model() -> String {
        guard let m = report.model else {
            return section(.model, "Serving model", "<p>No model yet: mcnd trains once labeled examples of at least two labels arrive.</p>")
        }
        let rows: [[String]] =
            [
                ["version", "\(m.version)"],
                ["labels", "\(m.labels.count): " + m.labels.map(HTML.escape).joined(separator: ", ")],
                ["training / validation examples", "\(m.trainSamples.map(String.init) ?? "–") / \(m.valSamples.map(String.init) ?? "–")"],
                ["validation accuracy (at training)", HTML.number(m.valAccuracy)],
                ["input", HTML.escape(m.input ?? "–")],
                ["trained", HTML.escape(m.created) + (m.run.map { " by run \($0)" } ?? "") + (m.runMode.map { " (\($0))" } ?? "")],
                ["promoted", HTML.escape(m.promoted ?? "–")],
            ] + (m.pinnedSince.map { [["pinned", "since " + HTML.escape($0) + " (`mcnd models unpin` lets new models serve)"]] } ?? [])
        var counts = report.examples.map { [HTML.escape($0.label), "\($0.train)", "\($0.validation)"] }
        counts.append(["total", "\(report.examples.reduce(0) { $0 + $1.train })", "\(report.examples.reduce(0) { $0 + $1.validation })"])
        return section(
            .model, "Serving model",
            table([], rows, leftColumns: 2) + "<p>Examples in the state now:</p>" + table(["label", "training", "validation"], counts))
    }

    private func curves() -> String {
        var body = ""
        if let run = report.latestRun, !run.epochs.isEmpty {
            body += ReportCharts.learningCurves(run).svg()
        } else {
            body += "<p>No run yet.</p>"
        }
        if report.runs.contains(where: { $0.valAccuracy != nil }) { body += ReportCharts.accuracyByRun(report.runs).svg() }
        return section(.curves, "Learning curves", body)
    }

    private func confusion() -> String {
        guard let e = report.evaluation else {
            return section(.confusion, "Confusion matrix", "<p>No model or no validation rows yet.</p>")
        }
        let m = e.metrics
        var out = "<p>Model \(e.modelVersion) on the \(m.rows) validation rows in the state now (accuracy \(HTML.number(m.accuracy))). "
        if m.confusion.isEmpty && !m.labels.isEmpty {
            out +=
                "With \(m.labels.count) labels the matrix is left out (more than \(ClassificationMetrics.matrixLabelLimit)); the per-class table has every label.</p>\n"
            return section(.confusion, "Confusion matrix", out)
        }
        out += "Rows are true labels, columns predicted ones; shading is the row's share, the diagonal is outlined.</p>\n"
        out += "<div class=\"scroll\"><table class=\"cm\"><tr><th class=\"l\">true \\ predicted</th>"
        for label in m.labels { out += "<th>\(HTML.escape(label))</th>" }
        out += "</tr>\n"
        for (t, row) in m.confusion.enumerated() {
            let total = max(row.reduce(0, +), 1)
            out += "<tr><th class=\"l\">\(HTML.escape(m.labels[t]))</th>"
            for (p, count) in row.enumerated() {
                let share = Double(count) / Double(total)
                let color = t == p ? "44,160,44" : "214,39,40"
                let ink = share > 0.55 ? ";color:white" : ""
                out +=
                    "<td\(t == p ? " class=\"diag\"" : "") style=\"background:rgba(\(color),\(NiceTicks.format(share, decimals: 3)))\(ink)\">\(count)</td>"
            }
            out += "</tr>\n"
        }
        return section(.confusion, "Confusion matrix", out + "</table></div>\n")
    }

    private func perClass() -> String {
        guard let m = report.evaluation?.metrics else { return section(.perClass, "Per-class scores", "<p>No evaluation yet.</p>") }
        var rows = m.perClass.map {
            [HTML.escape($0.label), HTML.number($0.precision), HTML.number($0.recall), HTML.number($0.f1), "\($0.support)"]
        }
        for (name, a) in [("macro average", m.macro), ("weighted average", m.weighted)] {
            rows.append(["<b>\(name)</b>", HTML.number(a.precision), HTML.number(a.recall), HTML.number(a.f1), "\(a.support)"])
        }
        return section(.perClass, "Per-class scores", table(["label", "precision", "recall", "F1", "support"], rows))
    }

    private func reliability() -> String {
        guard let e = report.evaluation else { return section(.reliability, "Reliability", "<p>No evaluation yet.</p>") }
        var out = "<p>Expected calibration error (ECE, 10 bins): <b>\(HTML.number(e.reliability.ece))</b>"
        if let c = e.calibrated, let t = e.temperature {
            out += "; after calibration (temperature \(HTML.number(t, 3))): <b>\(HTML.number(c.ece))</b> (purple bars)"
        }
        out += ". Bars at the dashed diagonal mean the confidence is the accuracy.</p>\n"
        return section(.reliability, "Reliability of the confidence", out + ReportCharts.reliability(e.reliability, after: e.calibrated))
    }

    private func mistakes() -> String {
        guard report.evaluation != nil else { return section(.mistakes, "Most confident mistakes", "<p>No evaluation yet.</p>") }
        guard !report.mistakes.isEmpty else {
            return section(.mistakes, "Most confident mistakes", "<p>No validation row is misclassified.</p>")
        }
        var out =
            "<p>Up to \(ReportBuilder.mistakesPerClass) validation images per true label that the model got wrong with the highest confidence.</p><div class=\"mistakes\">\n"
        for m in report.mistakes {
            let image = thumbnails[m.exampleId].map { "<img src=\"\($0)\" alt=\"\(HTML.escape(m.file))\">" } ?? ""
            out +=
                "<figure>\(image)<figcaption>true <b>\(HTML.escape(m.label))</b><br>predicted <b>\(HTML.escape(m.predicted))</b> \(HTML.number(m.confidence, 3))<br><span class=\"muted\">\(HTML.escape(m.file))</span></figcaption></figure>\n"
        }
        return section(.mistakes, "Most confident mistakes", out + "</div>\n")
    }

    private func history() -> String {
        guard !report.history.isEmpty else { return section(.history, "Model history", "<p>No finished run yet.</p>") }
        let rows = report.history.reversed().map { h -> [String] in
            let status = h.serving ? "serving" : h.promoted ? "promoted" : "not promoted"
            return [
                "\(h.run)", h.version.map(String.init) ?? "–", h.mode, HTML.escape(h.started), HTML.escape(h.outcome ?? "–"),
                HTML.number(h.valAccuracy), status, HTML.escape(h.reason ?? ""),
            ]
        }
        return section(
            .history, "Model history",
            table(["run", "model", "mode", "started", "outcome", "val. accuracy", "status", "why"], rows, leftColumns: 1))
    }

    private func rejections() -> String {
        guard !report.rejections.isEmpty else { return section(.rejections, "Rejections", "<p>No input was rejected.</p>") }
        return section(
            .rejections, "Rejections by reason",
            table(["reason", "files"], report.rejections.map { [HTML.escape($0.reason), "\($0.count)"] }))
    }

    private func review() -> String {
        guard let r = report.review else { return "" }
        var out = table(
            ["label", "waiting for review", "threshold"],
            r.queue.map { q in
                [HTML.escape(q.label), "\(q.files)", HTML.number(q.threshold, 3)]
            })
        out += "<p>\(r.reviewed) files reviewed.</p>"
        if let u = r.unfamiliar, !u.isEmpty {
            let reasons = UnfamiliarReason.allCases.map { "\($0.rawValue) \(u[$0.rawValue] ?? 0)" }.joined(separator: ", ")
            out += "<p>Waiting in _unfamiliar, by reason: \(reasons).</p>"
        }
        if let a = r.audit {
            out +=
                "<p>Audit: accuracy \(HTML.number(a.accuracy)) (\(HTML.number(a.low)) – \(HTML.number(a.high))) from \(a.sampled) audited predictions.</p>"
        }
        return section(.review, "Review queue", out)
    }
}
