import ArgumentParser
import Foundation
import Logging
import MCNDPipeline
import MCNDReviewPage
import ServiceLifecycle

/// `mcnd review serve|url`: the review page without the daemon (for roots run
/// by `--once` from cron), and its address with the access token.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "The review page: serve it, or print its address with the access token.",
        subcommands: [Serve.self, URLCommand.self])

    /// `--listen` over `review.listen` over 127.0.0.1:8470.
    struct Listen: ParsableArguments {
        @Option(help: ArgumentHelp("Where the page listens (default: review.listen, else 127.0.0.1:8470).", valueName: "host:port"))
        var listen: String?

        func address(_ configuration: MCNDConfiguration) throws -> ListenAddress? {
            guard let listen else { return nil }
            guard let address = ListenAddress(listen) else {
                throw fail(PipelineError.badConfiguration("--listen must be host:port, e.g. 127.0.0.1:8470, got \"\(listen)\""))
            }
            return address
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the review page until SIGTERM/SIGINT, without the daemon (moves files as a person would; no lock taken).")

        @OptionGroup var options: RootOptions
        @OptionGroup var listen: Listen

        func run() async throws {
            let layout = RootLayout(root: options.resolvedRoot)
            let logger = MCNDLog.logger()
            let server: ReviewServer
            do {
                let configuration = try await options.configuration()
                let settings = ReviewPageSettings(configuration: configuration, address: try listen.address(configuration))
                server = try ReviewServer(root: try layout.openExisting(), layout: layout, settings: settings)
            } catch {
                throw fail(error)
            }
            let host = server.address.description
            let app = server.application(logger: logger) { port in
                let shown = ListenAddress(host: server.address.host, port: port)
                // Unbuffered: a script waiting for the address reads it at once.
                FileHandle.standardOutput.write(
                    Data("mcnd: review page at http://\(shown)/ (`mcnd review url` prints it with the access token)\n".utf8))
            }
            let group = ServiceGroup(
                configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            do { try await group.run() } catch {
                throw fail(PipelineError.badConfiguration("the review page cannot listen on \(host): \(error)"))
            }
        }
    }

    struct URLCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "url", abstract: "Print the review page's address with its access token (read from state/review-token).")

        @OptionGroup var options: RootOptions
        @OptionGroup var listen: Listen

        func run() async throws {
            let layout = RootLayout(root: options.resolvedRoot)
            do {
                let configuration = try await options.configuration()
                let settings = ReviewPageSettings(configuration: configuration, address: try listen.address(configuration))
                guard let token = try ReviewToken.load(root: try layout.openExisting()) else {
                    throw ReviewPageError.noToken(root: layout.root)
                }
                print("http://\(settings.address)/?token=\(token.value)")
            } catch {
                throw fail(error)
            }
        }
    }
}
