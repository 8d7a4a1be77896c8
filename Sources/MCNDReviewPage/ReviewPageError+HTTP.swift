import Hummingbird

/// A failure inside a request answers with its description: 503 while the
/// root has no state yet, 500 otherwise (the person sees what to fix).
extension ReviewPageError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        if case .noState = self { return .serviceUnavailable }
        return .internalServerError
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        ReviewAccess<BasicRequestContext>.refused(status, description)
    }
}
