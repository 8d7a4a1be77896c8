import MCNDFileSystem
import MCNDPipeline

/// Why the review page cannot start or answer, said so an operator can act.
public enum ReviewPageError: Error, Sendable, CustomStringConvertible {
    /// The root has no state yet: run `mcnd --once` (or start the daemon) first.
    case noState(root: String)
    /// The access token could not be read or created: fix the permissions of state/ (mcnd's group must read it).
    case token(FileSystemError)
    /// No token yet: the page has not been served on this root; set `review.listen` or run `mcnd review serve`.
    case noToken(root: String)
    /// A move failed (not "already moved"): check the permissions and free space of review/, inbox/ and archive/.
    case move(FileSystemError)
    /// The state could not be read.
    case state(PipelineError)

    public var description: String {
        switch self {
        case .noState(let root): "\(root) has no state yet; run `mcnd --once` or start the daemon first"
        case .token(let error): "the review page's access token (\(RootLayout.Name.reviewToken.display)): \(error)"
        case .noToken(let root):
            "\(root) has no review token yet: it is made when the page is first served (review.listen, or `mcnd review serve`)"
        case .move(let error): "moving a reviewed file: \(error)"
        case .state(let error): "\(error)"
        }
    }
}
