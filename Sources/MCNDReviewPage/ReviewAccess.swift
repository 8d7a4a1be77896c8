import Hummingbird

/// Who may use the page. Every request must carry the root's token: in the
/// page's cookie, or as `Authorization: Bearer` (scrapers, scripts). A first
/// visit with `?token=` sets the cookie (HttpOnly, SameSite=Strict) and is
/// redirected to the same path without it, so the token leaves the address
/// bar and the history. A POST must also come from the page itself: its
/// `Origin` must name the host it was sent to (no cross-site form or fetch
/// gets through). Every answer carries headers that keep the page from being
/// framed, sniffed or sending its address on.
struct ReviewAccess<Context: RequestContext>: RouterMiddleware {
    let token: ReviewToken
    /// Per port: browsers share cookies between the ports of one host, and two roots' pages must not.
    let cookieName: String

    init(token: ReviewToken, port: Int) {
        self.token = token
        cookieName = "mcnd_review_\(port)"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await checked(request, context: context, next: next)
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        // HTTPField by way of HTTPFields: Hummingbird re-exports the collection, not the field type.
        response.headers[HTTPFields.Element.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPFields.Element.Name("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    private func checked(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .get, let offered = request.uri.queryParameters["token"] {
            guard token.matches(offered) else { return Self.refused(.unauthorized, "the token in the address is not this page's") }
            var response = Response.redirect(to: request.uri.path, type: .normal)
            response.setCookie(Cookie(name: cookieName, value: token.value, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? Substring($0.dropFirst(7)) : nil }
        guard token.matches(request.cookies[cookieName].map { Substring($0.value) }) || token.matches(bearer) else {
            return Self.refused(.unauthorized, "open the address `mcnd review url` prints (it carries the access token)")
        }
        if request.method != .get && request.method != .head {
            guard let origin = request.headers[.origin], let host = request.head.authority,
                origin == "http://" + host || origin == "https://" + host
            else { return Self.refused(.forbidden, "a change must come from the review page itself (Origin does not match)") }
        }
        return try await next(request, context)
    }

    static func refused(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "mcnd review page: \(message)\n")))
    }
}
