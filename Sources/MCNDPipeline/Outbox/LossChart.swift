import Logging
import MCNDFileSystem
import MCNDModel

/// outbox/losses.svg: training and validation loss per epoch of the latest run,
/// like the book's plot. A plain SVG any browser shows.
struct LossChart {
    let run: Int
    let mode: String
    let reports: [EpochReport]

    func svg() -> String {
        let width = 640.0, height = 400.0, left = 60.0, right = 20.0, top = 40.0, bottom = 50.0
        let train = reports.map { $0.loss }.filter(\.isFinite)
        let validation = reports.compactMap { $0.validationLoss }.filter(\.isFinite)
        let all = train + validation
        let high = (all.max() ?? 1) * 1.05, low = min(0, all.min() ?? 0)
        let epochs = max(reports.count, 2)
        func x(_ epoch: Int) -> Double { left + Double(epoch - 1) / Double(epochs - 1) * (width - left - right) }
        func y(_ v: Double) -> Double { top + (1 - (v - low) / max(high - low, 1e-12)) * (height - top - bottom) }
        func path(_ values: [Double?]) -> String {
            values.enumerated().compactMap { i, v in v.flatMap { $0.isFinite ? "\(i == 0 ? "M" : "L")\(f(x(i + 1))),\(f(y($0)))" : nil } }
                .joined(separator: " ")
        }
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(width / 2))" y="20" text-anchor="middle" font-size="14">run \(run) (\(mode)): loss per epoch</text>
        <line x1="\(left)" y1="\(f(height - bottom))" x2="\(f(width - right))" y2="\(f(height - bottom))" stroke="black"/>
        <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(f(height - bottom))" stroke="black"/>

        """
        for i in 0...4 {
            let v = low + (high - low) * Double(i) / 4
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(f(v, 3))</text>\n"
            out += "<line x1=\"\(left)\" y1=\"\(f(y(v)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(v)))\" stroke=\"#ddd\"/>\n"
        }
        for e in Set([1, max(1, epochs / 2), reports.count]).sorted() where e >= 1 {
            out += "<text x=\"\(f(x(e)))\" y=\"\(f(height - bottom + 18))\" text-anchor=\"middle\">\(e)</text>\n"
        }
        out += "<text x=\"\(f(width / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">epoch</text>\n"
        out += "<path d=\"\(path(reports.map { $0.loss }))\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n"
        out += "<path d=\"\(path(reports.map { $0.validationLoss }))\" fill=\"none\" stroke=\"#ff7f0e\" stroke-width=\"2\"/>\n"
        out += "<text x=\"\(f(width - right - 150))\" y=\"\(top + 10)\" fill=\"#1f77b4\">— train_loss</text>\n"
        out += "<text x=\"\(f(width - right - 150))\" y=\"\(top + 26)\" fill=\"#ff7f0e\">— val_loss</text>\n"
        return out + "</svg>\n"
    }

    private func f(_ v: Double, _ digits: Int = 1) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return String((v * scale).rounded() / scale)
    }

    func write(to name: RawPath, in root: Directory, logger: Logger) {
        do { try root.writeFileAtomically(Array(svg().utf8), to: name) } catch {
            logger.error("cannot write \(error.path): \(error)")
        }
    }
}
