import Batch
import FormScan
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A request's context: the session the guard found or made, and the language.
struct ReviewContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var sessionID = ""
    var lang = ReviewText.Language.id
    /// A form is a few short fields: a larger body is refused (413).
    var maxUploadSize: Int { ReviewServer.maxBody }
    init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
}

/// An error shown to the person as a page (or JSON to the page's script).
struct PageError: Error {
    var status: HTTPResponse.Status
    var message: String
    /// Logged on the server (never shown).
    var log: String
}

/// The review page: a local web server over a batch database. Loopback by default; a random
/// token in the printed address is required on every request (then kept in an HttpOnly,
/// SameSite=Strict cookie); every write carries the session's CSRF token; images come only
/// from the database's records; every asset is in the binary.
public final class ReviewServer: Sendable {
    static let maxBody = 16 * 1024
    static let maxURI = 4096
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    let model: ReviewModel
    let images: PageImages
    let sessions = Sessions()
    let token: String
    let defaultLanguage: ReviewText.Language

    /// `baseFolder`: where relative image paths of the database are found when not from the
    /// working folder (the database's own folder). `doubleEntry`: two people answer each field
    /// independently. `recaps`: station key → the recap's values shown on its field screens.
    public init(database: ScanDatabase, store: TemplateStore, baseFolder: String, language: ReviewText.Language = .id,
                token: String? = nil, doubleEntry: Bool = false, recaps: [String: Expectation] = [:]) throws(ReviewError) {
        model = try ReviewModel(database: database, store: store, doubleEntry: doubleEntry, recaps: recaps)
        images = PageImages(database: database, store: store, baseFolder: baseFolder)
        self.token = token ?? Secrets.token()
        defaultLanguage = language
    }

    /// Serves until cancelled; `ready` gets the address with the token once the port is bound.
    public func run(host: String = "127.0.0.1", port: Int = 0, ready: @escaping @Sendable (String) -> Void) async throws {
        let router = Router(context: ReviewContext.self)
        let port0 = PortBox()
        router.add(middleware: Guard(server: self, port: port0, host: host))
        routes(router)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let p = channel.localAddress?.port ?? port
                port0.set(p)
                let shown = host.contains(":") ? "[\(host)]" : host
                ready("http://\(shown):\(p)/?token=\(self.token)")
            }
        )
        try await app.runService()
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data("scan-c1 review: \(line)\n".utf8))
    }
}

/// The bound port, known once the server runs (for the Host and Origin checks).
final class PortBox: Sendable {
    private let value = Mutex(0)
    func set(_ p: Int) { value.withLock { $0 = p } }
    var port: Int { value.withLock { $0 } }
}

/// Every request passes here: size limits, Host and Origin, the token, the session, the
/// language; every error becomes a page (and one log line).
struct Guard: RouterMiddleware {
    typealias Context = ReviewContext
    let server: ReviewServer
    let port: PortBox
    let host: String

    var tokenCookie: String { "review_token_\(port.port)" }
    var sessionCookie: String { "review_session_\(port.port)" }
    var langCookie: String { "review_lang_\(port.port)" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let query = Form.parse(request.uri.query ?? "")
        let cookies = Form.cookies(request.headers[.cookie])
        var setCookies: [String] = []
        if let l = query["lang"].flatMap(ReviewText.Language.init) {
            context.lang = l
            setCookies.append("\(langCookie)=\(l.rawValue); Path=/; HttpOnly; SameSite=Strict")
        } else {
            context.lang = cookies[langCookie].flatMap(ReviewText.Language.init) ?? server.defaultLanguage
        }
        let text = ReviewText(context.lang)
        let wantsJSON = (request.headers[.accept] ?? "").contains("application/json")
        do {
            var response = try await guarded(request, &context, query: query, cookies: cookies, setCookies: &setCookies, next: next)
            for c in setCookies { response.headers.append(HTTPField(name: .setCookie, value: c)) }
            Self.secure(&response.headers)
            return response
        } catch {
            let e: PageError
            if let p = error as? PageError { e = p } else if let h = error as? HTTPError {
                let message = h.status == .notFound ? text.notFound : h.status == .contentTooLarge ? text.tooLarge : text.serverError
                e = PageError(status: h.status, message: message, log: "\(h.status.code) \(h.body ?? "")")
            } else {
                e = PageError(status: .internalServerError, message: text.serverError, log: "\(error)")
            }
            ReviewServer.log("\(request.method) \(request.uri.path): \(e.status.code) \(e.log)")
            var response: Response
            if wantsJSON {
                let body = (try? JSONEncoder().encode(["error": e.message])) ?? Data()
                response = Response(status: e.status, headers: [.contentType: "application/json; charset=utf-8"],
                                    body: .init(byteBuffer: ByteBuffer(bytes: body)))
            } else {
                let html = HTML.document(title: text.errorHeading, text: text, progress: nil, person: "",
                                         body: SimplePages.error(status: Int(e.status.code), message: e.message, text: text),
                                         langSwitch: "/?lang=\(text.otherLanguage.code)")
                response = Response(status: e.status, headers: [.contentType: "text/html; charset=utf-8"],
                                    body: .init(byteBuffer: ByteBuffer(string: html)))
            }
            for c in setCookies { response.headers.append(HTTPField(name: .setCookie, value: c)) }
            Self.secure(&response.headers)
            return response
        }
    }

    func guarded(_ request: Request, _ context: inout Context, query: [String: String], cookies: [String: String],
                 setCookies: inout [String], next: (Request, Context) async throws -> Response) async throws -> Response {
        let text = ReviewText(context.lang)
        let refused = PageError(status: .forbidden, message: text.forbidden, log: "refused: no valid token")
        guard request.uri.string.utf8.count <= ReviewServer.maxURI else {
            throw PageError(status: .uriTooLong, message: text.tooLarge, log: "address too long")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > ReviewServer.maxBody {
            throw PageError(status: .contentTooLarge, message: text.tooLarge, log: "body of \(length) bytes")
        }
        // Another site's page in the same browser: its Host or Origin is not ours.
        let authority = request.head.authority ?? ""
        let mine = Set(["127.0.0.1:\(port.port)", "localhost:\(port.port)", "[::1]:\(port.port)", "\(host):\(port.port)", "[\(host)]:\(port.port)"])
        guard mine.contains(authority) else { throw PageError(status: .forbidden, message: text.forbidden, log: "refused: Host '\(authority)'") }
        // A write's Origin must be ours or `null`: a browser sends `null` for an opaque origin
        // (a sandboxed frame, a file, some privacy settings), which says nothing either way, so
        // such a write is let through only to the CSRF check below, which it must pass like
        // every write. Another site's Origin is refused outright, and so is `null` on a read.
        let isWrite = request.method != .get && request.method != .head
        if let origin = request.headers[.origin], origin != "http://\(authority)", !(origin == "null" && isWrite) {
            throw PageError(status: .forbidden, message: text.forbidden, log: "refused: Origin '\(origin)'")
        }
        if let given = query["token"] {
            guard Secrets.equal(given, server.token) else { throw refused }
            // Into a cookie, then the same address without the token (kept out of history).
            let (id, _) = server.sessions.create()
            setCookies.append("\(tokenCookie)=\(server.token); Path=/; HttpOnly; SameSite=Strict")
            setCookies.append("\(sessionCookie)=\(id); Path=/; HttpOnly; SameSite=Strict")
            let rest = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("token=") }.joined(separator: "&")
            return Response(status: .seeOther, headers: [.location: request.uri.path + (rest.isEmpty ? "" : "?" + rest)])
        }
        guard let cookie = cookies[tokenCookie], Secrets.equal(cookie, server.token) else { throw refused }
        if let id = cookies[sessionCookie], server.sessions.get(id) != nil {
            context.sessionID = id
        } else {
            let (id, _) = server.sessions.create()
            context.sessionID = id
            setCookies.append("\(sessionCookie)=\(id); Path=/; HttpOnly; SameSite=Strict")
        }
        guard isWrite else { return try await next(request, context) }
        // Every write carries the session's CSRF token, in the form or the page script's header
        // (the body, at most maxBody bytes, stays readable for the route).
        var request = request
        let buffer = try await request.collectBody(upTo: ReviewServer.maxBody)
        let given = Form.parse(String(buffer: buffer))["csrf"] ?? request.headers[ReviewServer.csrfHeader] ?? ""
        guard let session = server.sessions.get(context.sessionID), Secrets.equal(given, session.csrf) else {
            throw PageError(status: .forbidden, message: text.csrf, log: "refused: CSRF token missing or wrong (Origin '\(request.headers[.origin] ?? "none")')")
        }
        return try await next(request, context)
    }

    static func secure(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        // same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` on this
        // page's own form posts; other sites still get no referrer.
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }
}
