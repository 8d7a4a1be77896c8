/// The report's charts, all from LineChart except the reliability diagram.
enum ReportCharts {
    /// Train and validation loss per epoch (left axis), validation accuracy (right axis, 0…1).
    static func learningCurves(_ run: ReportData.LatestRun) -> LineChart {
        let e = run.epochs
        return LineChart(
            title: "run \(run.id) (\(run.mode)): loss and accuracy per epoch", xLabel: "epoch", leftLabel: "loss",
            rightLabel: "validation accuracy",
            series: [
                .init(name: "train_loss", color: "#1f77b4", points: e.map { (Double($0.epoch), $0.loss) }),
                .init(name: "val_loss", color: "#ff7f0e", points: e.map { (Double($0.epoch), $0.valLoss) }),
                .init(name: "val_accuracy", color: "#2ca02c", axis: .right, points: e.map { (Double($0.epoch), $0.valAccuracy) }),
            ],
            rightRange: (0, 1))
    }

    /// The final validation accuracy of every finished run, by run number.
    static func accuracyByRun(_ runs: [RunHistoryRow]) -> LineChart {
        let done = runs.filter { $0.finished != nil && $0.valAccuracy != nil }
        return LineChart(
            title: "validation accuracy of every run", xLabel: "run", leftLabel: "validation accuracy", rightLabel: nil,
            series: [.init(name: "val_accuracy", color: "#2ca02c", points: done.map { (Double($0.id), $0.valAccuracy) })],
            rightRange: nil)
    }

    /// Accuracy against confidence per bin, with the diagonal of perfect calibration.
    static func reliability(_ before: Reliability, after: Reliability?) -> String {
        let w = 360.0, h = 360.0, l = 50.0, r = 16.0, t = 30.0, b = 50.0
        let side = w - l - r, tall = h - t - b
        func x(_ v: Double) -> Double { l + v * side }
        func y(_ v: Double) -> Double { t + (1 - v) * tall }
        func f(_ v: Double) -> String { NiceTicks.format(v, decimals: 1) }
        var out =
            "<svg viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">"
        out += "<title>reliability diagram</title><rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(f(w / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">accuracy by confidence</text>\n"
        for v in stride(from: 0.0, through: 1.0, by: 0.2) {
            out += "<line x1=\"\(f(l))\" y1=\"\(f(y(v)))\" x2=\"\(f(w - r))\" y2=\"\(f(y(v)))\" stroke=\"#e4e4e4\"/>"
            out += "<text x=\"\(f(l - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(NiceTicks.format(v, decimals: 1))</text>"
            out += "<text x=\"\(f(x(v)))\" y=\"\(f(h - b + 16))\" text-anchor=\"middle\">\(NiceTicks.format(v, decimals: 1))</text>\n"
        }
        let barWidth = side / Double(before.bins.count)
        for (i, bin) in before.bins.enumerated() {
            guard let accuracy = bin.accuracy else { continue }
            let width = after == nil ? barWidth - 2 : barWidth / 2 - 1
            out +=
                "<rect class=\"bar\" x=\"\(f(x(bin.lower) + 1))\" y=\"\(f(y(accuracy)))\" width=\"\(f(width))\" height=\"\(f(accuracy * tall))\" fill=\"#1f77b4\"><title>\(bin.count) rows, accuracy \(HTML.number(accuracy, 3)), confidence \(HTML.number(bin.confidence, 3))</title></rect>\n"
            if let after, let calibrated = after.bins[i].accuracy {
                out +=
                    "<rect x=\"\(f(x(bin.lower) + barWidth / 2))\" y=\"\(f(y(calibrated)))\" width=\"\(f(width))\" height=\"\(f(calibrated * tall))\" fill=\"#9467bd\"/>\n"
            }
        }
        out +=
            "<line x1=\"\(f(x(0)))\" y1=\"\(f(y(0)))\" x2=\"\(f(x(1)))\" y2=\"\(f(y(1)))\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>\n"
        out +=
            "<line x1=\"\(f(l))\" y1=\"\(f(h - b))\" x2=\"\(f(w - r))\" y2=\"\(f(h - b))\" stroke=\"black\"/><line x1=\"\(f(l))\" y1=\"\(f(t))\" x2=\"\(f(l))\" y2=\"\(f(h - b))\" stroke=\"black\"/>\n"
        out += "<text x=\"\(f(l + side / 2))\" y=\"\(f(h - b + 34))\" text-anchor=\"middle\">confidence (top probability)</text>"
        out += "<text transform=\"translate(14 \(f(t + tall / 2))) rotate(-90)\" text-anchor=\"middle\">accuracy</text>\n"
        return out + "</svg>\n"
    }
}
