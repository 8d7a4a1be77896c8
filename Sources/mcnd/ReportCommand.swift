import ArgumentParser
import Foundation
import MCNDPipeline

/// `mcnd report [--open]`: rebuilds outbox/report.html and report.json from the
/// state now and prints the page's path. Reads the state without the root's
/// lock (like `status`), so it works beside the daemon; both write the files
/// atomically, so a reader sees one complete version or the other.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Rebuild outbox/report.html and report.json from the state and print the page's path.")

    @OptionGroup var options: RootOptions

    @Flag(help: "Open the page with xdg-open (the desktop's browser) after writing it.")
    var open = false

    func run() async throws {
        let layout = RootLayout(root: options.resolvedRoot)
        do {
            let root = try layout.openExisting()
            let configuration = try await options.configuration()
            // Read-only, like status: works beside the daemon and while another process holds the write lock.
            let store = try StateStore(readingOnly: layout, root: root, busyTimeout: configuration.stateBusyTimeoutSeconds)
            try ReportWriter(root: root, store: store, serving: try store.servingModel(), review: try store.reviewSnapshot()).write()
        } catch {
            throw fail(error)
        }
        let page = layout.path(RootLayout.Name.reportPage)
        print(page)
        if open { try openInBrowser(page) }
    }

    private func openInBrowser(_ page: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xdg-open", page]
        do { try process.run() } catch {
            throw fail(PipelineError.badConfiguration("cannot run xdg-open (\(error)); open \(page) in a browser"))
        }
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw fail(
                PipelineError.badConfiguration("xdg-open exited with status \(process.terminationStatus); open \(page) in a browser"))
        }
    }
}
