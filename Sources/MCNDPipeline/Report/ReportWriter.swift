import Foundation
import Logging
import MCNDFileSystem
import MCNDModel

/// Builds the report and writes outbox/report.html, outbox/report.json and
/// outbox/losses.svg, each atomically (temporary file, fsync, rename, folder
/// fsync), so a reader sees the old file or the new one, never a mix.
public struct ReportWriter: Sendable {
    let root: Directory
    let builder: ReportBuilder

    public init(
        root: Directory, store: StateStore, serving: ModelFile?, review: ReviewSnapshot? = nil, validation: ValidationRows? = nil
    ) {
        self.root = root
        builder = ReportBuilder(store: store, serving: serving, review: review, validation: validation)
    }

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Writes the three files; returns what they hold.
    @discardableResult
    public func write() throws(PipelineError) -> ReportData {
        let built = try builder.build()
        let json: Data
        do { json = try Self.encoder().encode(built.data) } catch {
            throw .badConfiguration("cannot encode report.json: \(error)")
        }
        let page = ReportPage(report: built.data, thumbnails: built.thumbnails).html()
        do {
            try root.writeFileAtomically(Array(json) + [UInt8(ascii: "\n")], to: RootLayout.Name.reportData)
            try root.writeFileAtomically(Array(page.utf8), to: RootLayout.Name.reportPage)
            if let run = built.data.latestRun, !run.epochs.isEmpty {
                try root.writeFileAtomically(
                    Array(ReportCharts.learningCurves(run).svg(standalone: true).utf8), to: RootLayout.Name.lossChart)
            }
        } catch {
            throw PipelineError(error)
        }
        return built.data
    }

    /// After a run or a promotion: a report that cannot be written is logged, never fails the run.
    func writeLogging(_ logger: Logger) {
        do { try write() } catch { logger.error("cannot write the report: \(error)") }
    }
}
