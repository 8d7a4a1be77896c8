import MCNDTestSupport

/// Whether mcnd can run as uid/gid 65534 here, for the suites that need an
/// unprivileged user (root ignores permissions).
enum Unprivileged {
    /// Why it cannot, or nil: probed once with `mcnd --help` as that user.
    static let cannotRun: String? = {
        do {
            _ = try MCND.unprivileged.get()
            let scratch = try Scratch("unprivileged-probe")
            let probe = try MCND.run(["--help"], scratch: scratch.url, asUser: true)
            guard probe.succeeded else {
                return "mcnd cannot run as uid 65534 here (is the build folder readable by others?): \(probe.transcript)"
            }
            return nil
        } catch {
            return "\(error)"
        }
    }()
}
