/// A line chart as SVG, with a left axis and an optional right one (e.g. loss
/// on the left, accuracy 0…1 on the right), ticks at 1-2-5 steps. Used inline
/// in report.html and on its own as outbox/losses.svg.
public struct LineChart: Sendable {
    public enum Axis: Sendable { case left, right }
    public struct Series: Sendable {
        public var name: String
        public var color: String
        public var axis: Axis
        public var points: [(x: Double, y: Double?)]
        public init(name: String, color: String, axis: Axis = .left, points: [(x: Double, y: Double?)]) {
            self.name = name
            self.color = color
            self.axis = axis
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var leftLabel: String
    public var rightLabel: String?
    public var series: [Series]
    /// Fixed range of the right axis (accuracy: 0…1); nil = from the data.
    public var rightRange: (Double, Double)?

    static let width = 640.0, height = 360.0, left = 56.0, right = 56.0, top = 36.0, bottom = 64.0

    /// The chart; `standalone` adds the XML namespace a file of its own needs.
    public func svg(standalone: Bool = false) -> String {
        let w = Self.width, h = Self.height, l = Self.left, r = Self.right, t = Self.top, b = Self.bottom
        let xs = series.flatMap { $0.points.map(\.x) }
        let xTicks = NiceTicks(low: xs.min() ?? 1, high: xs.max() ?? 2, target: 6)
        let xLow = xs.min() ?? 1, xHigh = max(xs.max() ?? 2, (xs.min() ?? 1) + 1)
        func values(_ axis: Axis) -> [Double] { series.filter { $0.axis == axis }.flatMap { $0.points.compactMap(\.y) }.filter(\.isFinite) }
        let leftValues = values(.left)
        let leftTicks = NiceTicks(low: min(0, leftValues.min() ?? 0), high: leftValues.max() ?? 1)
        let rightValues = values(.right)
        let rightTicks =
            rightRange.map { NiceTicks(low: $0.0, high: $0.1) } ?? NiceTicks(low: rightValues.min() ?? 0, high: rightValues.max() ?? 1)
        func x(_ v: Double) -> Double { l + (v - xLow) / (xHigh - xLow) * (w - l - r) }
        func y(_ v: Double, _ ticks: NiceTicks) -> Double { t + (1 - (v - ticks.low) / (ticks.high - ticks.low)) * (h - t - b) }
        var out = standalone ? "<svg xmlns=\"http://www.w3.org/2000/svg\"" : "<svg"
        out +=
            " viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">\n"
        out += "<title>\(HTML.escape(title))</title><rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(n(w / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">\(HTML.escape(title))</text>\n"
        for v in leftTicks.values {
            out += "<line x1=\"\(n(l))\" y1=\"\(n(y(v, leftTicks)))\" x2=\"\(n(w - r))\" y2=\"\(n(y(v, leftTicks)))\" stroke=\"#e4e4e4\"/>"
            out += "<text x=\"\(n(l - 6))\" y=\"\(n(y(v, leftTicks) + 4))\" text-anchor=\"end\">\(leftTicks.label(v))</text>\n"
        }
        if rightLabel != nil {
            for v in rightTicks.values {
                out += "<text x=\"\(n(w - r + 6))\" y=\"\(n(y(v, rightTicks) + 4))\">\(rightTicks.label(v))</text>\n"
            }
        }
        // Whole-number x ticks only (epochs, runs): a step below 1 would repeat labels.
        for v in xTicks.values where v >= xLow - 1e-9 && v <= xHigh + 1e-9 && (xTicks.step >= 1 || v == v.rounded()) {
            out +=
                "<text x=\"\(n(x(v)))\" y=\"\(n(h - b + 16))\" text-anchor=\"middle\">\(xTicks.step >= 1 ? xTicks.label(v) : NiceTicks.format(v, decimals: 0))</text>\n"
        }
        out += "<line x1=\"\(n(l))\" y1=\"\(n(h - b))\" x2=\"\(n(w - r))\" y2=\"\(n(h - b))\" stroke=\"black\"/>"
        out += "<line x1=\"\(n(l))\" y1=\"\(n(t))\" x2=\"\(n(l))\" y2=\"\(n(h - b))\" stroke=\"black\"/>\n"
        out += "<text x=\"\(n(w / 2))\" y=\"\(n(h - b + 34))\" text-anchor=\"middle\">\(HTML.escape(xLabel))</text>\n"
        out +=
            "<text transform=\"translate(14 \(n((t + h - b) / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTML.escape(leftLabel))</text>\n"
        if let rightLabel {
            out +=
                "<text transform=\"translate(\(n(w - 8)) \(n((t + h - b) / 2))) rotate(90)\" text-anchor=\"middle\">\(HTML.escape(rightLabel))</text>\n"
        }
        for s in series {
            let ticks = s.axis == .left ? leftTicks : rightTicks
            var d = "", pen = "M"
            for p in s.points {
                guard let v = p.y, v.isFinite else {
                    pen = "M"
                    continue
                }
                d += "\(pen)\(n(x(p.x))),\(n(y(v, ticks))) "
                pen = "L"
            }
            out += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"/>\n"
            if s.points.count == 1, let v = s.points[0].y, v.isFinite {
                out += "<circle cx=\"\(n(x(s.points[0].x)))\" cy=\"\(n(y(v, ticks)))\" r=\"3\" fill=\"\(s.color)\"/>\n"
            }
        }
        for (i, s) in series.enumerated() {
            let lx = l + Double(i) * 150
            out +=
                "<line x1=\"\(n(lx))\" y1=\"\(n(h - 12))\" x2=\"\(n(lx + 20))\" y2=\"\(n(h - 12))\" stroke=\"\(s.color)\" stroke-width=\"2\"/>"
            out += "<text x=\"\(n(lx + 26))\" y=\"\(n(h - 8))\">\(HTML.escape(s.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    private func n(_ v: Double) -> String { NiceTicks.format(v, decimals: 1) }
}
