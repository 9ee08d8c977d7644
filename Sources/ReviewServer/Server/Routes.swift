import Batch
import FormScan
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension ReviewServer {
    func routes(_ router: Router<ReviewContext>) {
        router.get("/") { request, context in try self.queue(request, context) }
        router.get("/station") { request, context in try self.stationStart(request, context) }
        router.get("/field") { request, context in try self.field(request, context) }
        router.get("/name") { request, context in try self.namePage(request, context) }
        router.post("/name") { request, context in try await self.setName(request, context) }
        router.post("/answer") { request, context in try await self.answer(request, context) }
        router.post("/undo") { request, context in try await self.undo(request, context) }
        router.get("/image/page") { request, context in try self.pageImage(request, context) }
        router.get("/image/box") { request, context in try self.boxImage(request, context) }
        router.get("/image/words") { request, context in try self.wordsImage(request, context) }
        router.get("/assets/review.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        // Browsers ask for it on their own: nothing to show, and no error logged for it.
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        router.get("/assets/review.js") { _, _ in Self.asset(Assets.js, type: "text/javascript; charset=utf-8") }
    }

    // MARK: helpers

    static func asset(_ s: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=3600"], body: .init(byteBuffer: ByteBuffer(string: s)))
    }

    static func html(_ s: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: s)))
    }

    static func redirect(_ to: String) -> Response { Response(status: .seeOther, headers: [.location: to]) }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func page(_ title: String, _ body: String, _ context: ReviewContext, request: Request) -> Response {
        let text = ReviewText(context.lang)
        let all = model.stations
        let progress = text.progress(done: all.filter(\.done).count, total: all.count)
        let person = sessions.get(context.sessionID)?.person ?? ""
        var q = Form.parse(request.uri.query ?? "")
        q["lang"] = text.otherLanguage.code
        let switchURL = request.uri.path + "?" + HTML.query(q.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        return Self.html(HTML.document(title: title, text: text, progress: progress, person: person, body: body, langSwitch: switchURL))
    }

    func query(_ request: Request) -> [String: String] { Form.parse(request.uri.query ?? "") }

    func body(_ request: Request, _ context: ReviewContext) async throws -> [String: String] {
        var request = request
        let buffer = try await request.collectBody(upTo: Self.maxBody)
        let form = Form.parse(String(buffer: buffer))
        // The session's CSRF token, in the form (or the header the page's script sends): the
        // Guard checked it already; checked again here so a write never depends on one place.
        let session = sessions.get(context.sessionID)
        let given = form["csrf"] ?? request.headers[Self.csrfHeader] ?? ""
        guard let session, Secrets.equal(given, session.csrf) else {
            throw PageError(status: .forbidden, message: ReviewText(context.lang).csrf, log: "refused: CSRF token missing or wrong")
        }
        return form
    }

    func notFound(_ context: ReviewContext, _ why: String) -> PageError {
        PageError(status: .notFound, message: ReviewText(context.lang).notFound, log: why)
    }

    func imageID(_ q: [String: String], _ context: ReviewContext) throws -> Int64 {
        guard let s = q["image"], s.count <= 18, let id = Int64(s) else { throw notFound(context, "no image id") }
        return id
    }

    // MARK: pages

    func queue(_ request: Request, _ context: ReviewContext) throws -> Response {
        let q = query(request)
        var f = QueueFilter()
        if let s = q["status"], ["open", "done", "all", "third"].contains(s) { f.status = s }
        f.template = q["template"] ?? ""
        f.rule = q["rule"] ?? ""
        f.folder = q["folder"] ?? ""
        let text = ReviewText(context.lang)
        return page(text.queue, QueuePage.render(model.stations, filter: f, text: text, doubleEntry: model.doubleEntry,
                                                     person: person(context)), context, request: request)
    }

    /// The person of a request's session ("" before the name is given).
    func person(_ context: ReviewContext) -> String { sessions.get(context.sessionID)?.person ?? "" }

    /// A station's first field this person can answer (after asking the person's name), or its
    /// summary when there is none (done, or under double entry waiting for other people).
    func stationStart(_ request: Request, _ context: ReviewContext) throws -> Response {
        guard let key = query(request)["key"], let st = model.station(key) else { throw notFound(context, "no such station") }
        if let first = st.open(for: person(context)).first { return Self.redirect(FieldPage.fieldURL(key, first)) }
        return stationDone(st, request, context)
    }

    func nextStationURL(after key: String, person: String) -> String? {
        model.stations.first { !$0.open(for: person).isEmpty && $0.key != key }.map { "/station?" + HTML.query([("key", $0.key)]) }
    }

    func stationDone(_ st: ReviewModel.StationState, _ request: Request, _ context: ReviewContext) -> Response {
        let text = ReviewText(context.lang)
        let session = sessions.get(context.sessionID)
        let banner = FieldPage.banner(sessions.get(context.sessionID)?.last, csrf: session?.csrf ?? "", text: text)
        let waiting = st.done ? 0 : st.open.count
        return page(st.key, SimplePages.stationDone(key: st.key, next: nextStationURL(after: st.key, person: person(context)), text: text,
                                                    banner: banner, waiting: waiting), context, request: request)
    }

    func field(_ request: Request, _ context: ReviewContext) throws -> Response {
        let q = query(request)
        let text = ReviewText(context.lang)
        guard let session = sessions.get(context.sessionID) else { throw notFound(context, "no session") }
        if session.person.isEmpty {
            return Self.redirect("/name?" + HTML.query([("next", request.uri.path + "?" + (request.uri.query ?? ""))]))
        }
        let id = try imageID(q, context)
        guard let fieldID = q["field"], let st = model.station(ofImage: id),
              let screen = FieldScreen(station: st, ref: FieldRef(imageID: id, field: fieldID), store: model.store, doubleEntry: model.doubleEntry)
        else { throw notFound(context, "no such field") }
        let ref = FieldRef(imageID: id, field: fieldID)
        let open = st.open(for: session.person)
        let skip: String? = open.isEmpty ? nil : {
            let i = open.firstIndex(of: ref).map { ($0 + 1) % open.count } ?? 0
            return open[i] == ref ? nil : FieldPage.fieldURL(st.key, open[i])
        }()
        let banner = FieldPage.banner(sessions.get(context.sessionID)?.last, csrf: session.csrf, text: text)
        // Under double entry a person who entered this field already is not shown it again
        // (nor their own entry): the rest is someone else's.
        let entered = model.doubleEntry && (st.entries[ref] ?? []).contains { samePerson($0.person, session.person) }
        return page(screen.field.label, FieldPage.render(screen, text: text, csrf: session.csrf, banner: banner, skip: skip, entered: entered),
                    context, request: request)
    }

    func namePage(_ request: Request, _ context: ReviewContext) throws -> Response {
        let text = ReviewText(context.lang)
        guard let session = sessions.get(context.sessionID) else { throw notFound(context, "no session") }
        let next = Self.safeNext(query(request)["next"])
        return page(text.nameHeading, SimplePages.name(csrf: session.csrf, next: next, text: text), context, request: request)
    }

    /// Only a path of this server (no `//host`, no scheme): never an open redirect.
    static func safeNext(_ s: String?) -> String {
        guard let s, s.hasPrefix("/"), !s.hasPrefix("//"), !s.contains("\\"), s.count < 1000 else { return "/" }
        return s
    }

    func setName(_ request: Request, _ context: ReviewContext) async throws -> Response {
        let form = try await body(request, context)
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let text = ReviewText(context.lang)
        guard !name.isEmpty, name.count <= 60, !name.contains(where: { $0.isNewline }) else {
            let csrf = sessions.get(context.sessionID)?.csrf ?? ""
            return page(text.nameHeading, SimplePages.name(csrf: csrf, next: Self.safeNext(form["next"]), text: text, message: text.error(.noName)),
                        context, request: request)
        }
        sessions.update(context.sessionID) { $0.person = name }
        return Self.redirect(Self.safeNext(form["next"]))
    }

    func answer(_ request: Request, _ context: ReviewContext) async throws -> Response {
        let form = try await body(request, context)
        let text = ReviewText(context.lang)
        let wantsJSON = (request.headers[.accept] ?? "").contains("application/json")
        let id = try imageID(form, context)
        guard let fieldID = form["field"], fieldID.count <= 100 else { throw notFound(context, "no field") }
        let ref = FieldRef(imageID: id, field: fieldID)
        let raw = form["value"] ?? ""
        let person = sessions.get(context.sessionID)?.person ?? ""
        func fail(_ e: ReviewError, _ status: HTTPResponse.Status = .badRequest) -> PageError {
            PageError(status: status, message: text.error(e), log: "answer refused: \(e)")
        }
        guard let input = ReviewInput(String(raw.prefix(20))) else { throw fail(.badInput(String(raw.prefix(20)))) }
        let typedReason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(200)
        let done: ReviewModel.Answered
        do {
            let kindGuess: ReviewAnswer.Kind = { switch input { case .number: return .typed; case .unreadable: return .unreadable; case .confirm: return .confirmed } }()
            done = try model.answer(ref, input: input, person: person, reason: typedReason.isEmpty ? text.defaultReason(kindGuess) : String(typedReason))
        } catch {
            switch error {
            case .noSuchStation, .noSuchField: throw fail(error, .notFound)
            case .database(let why): throw PageError(status: .internalServerError, message: text.serverError, log: why)
            default: throw fail(error)
            }
        }
        let st = done.station, kind = done.kind
        guard let screen = FieldScreen(station: st, ref: ref, store: model.store) else { throw notFound(context, "field vanished") }
        let (verdict, verdictText) = FieldPage.verdict(screen, text: text)
        // The next field of the station after this one this person can answer, else the station's summary.
        let open = st.open(for: person)
        let next: String
        if let after = open.first(where: { o in
            guard let a = st.current.pages.firstIndex(where: { $0.imageID == o.imageID }),
                  let b = st.current.pages.firstIndex(where: { $0.imageID == ref.imageID }) else { return false }
            if a != b { return a > b }
            let order = st.current.pages[a].result.fieldOrder
            return (order.firstIndex(of: o.field) ?? 0) > (order.firstIndex(of: ref.field) ?? 0)
        }) ?? open.first {
            next = FieldPage.fieldURL(st.key, after)
        } else {
            next = "/station?" + HTML.query([("key", st.key)])
        }
        if let undo = done.undo { sessions.update(context.sessionID) { $0.answers.append(undo) } }
        let shown: String
        switch input {
        case .number(let v): shown = String(v)
        case .unreadable: shown = "X"
        case .confirm: shown = screen.answer?.value.map(String.init) ?? screen.field.value.map(String.init) ?? ""
        }
        let message = text.answerMessage(label: screen.field.label, shown: shown, kind: kind, step: done.step)
        var outcome = AnswerOutcome(answerID: nil, message: message,
                                    rules: FieldPage.ruleLines(screen, text: text), verdict: verdict, verdictText: verdictText, next: next)
        switch done.undo {
        case .answer(let id): outcome.answerID = id
        case .entry(let id): outcome.entryID = id
        case nil: break
        }
        outcome.step = text.stepWord(done.step)
        sessions.update(context.sessionID) { $0.last = outcome }
        return wantsJSON ? Self.json(outcome) : Self.redirect(next)
    }

    func undo(_ request: Request, _ context: ReviewContext) async throws -> Response {
        let form = try await body(request, context)
        let text = ReviewText(context.lang)
        let what: Undoable
        if let s = form["answer"], let id = Int64(s) { what = .answer(id) } else if let s = form["entry"], let id = Int64(s) { what = .entry(id) } else {
            throw PageError(status: .badRequest, message: text.error(.noSuchAnswer), log: "undo: no id")
        }
        // Only an answer given in this session (this person, this browser) can be undone here.
        guard sessions.get(context.sessionID)?.answers.contains(what) == true else {
            throw PageError(status: .badRequest, message: text.error(.noSuchAnswer), log: "undo: \(what) not given in this session")
        }
        let person = sessions.get(context.sessionID)?.person ?? ""
        do {
            let (st, ref) = try model.undo(what, person: person)
            sessions.update(context.sessionID) { $0.last = nil }
            return Self.redirect(FieldPage.fieldURL(st.key, ref))
        } catch {
            if case .database(let why) = error { throw PageError(status: .internalServerError, message: text.serverError, log: why) }
            throw PageError(status: .badRequest, message: text.error(error), log: "undo: \(error)")
        }
    }

    // MARK: images (from the database's records only)

    func pageImage(_ request: Request, _ context: ReviewContext) throws -> Response {
        let id = try imageID(query(request), context)
        do { return Self.jpeg(try images.pageJPEG(id)) } catch { throw imageError(error, context) }
    }

    func boxImage(_ request: Request, _ context: ReviewContext) throws -> Response {
        let q = query(request)
        let id = try imageID(q, context)
        guard let fieldID = q["field"], let b = q["box"].flatMap({ Int($0) }), let st = model.station(ofImage: id),
              let page = st.current.pages.first(where: { $0.imageID == id }), let t = try? model.store.template(page.template),
              let f = t.template.field(fieldID), f.boxes.indices.contains(b) else { throw notFound(context, "no such box") }
        do { return Self.jpeg(try images.boxJPEG(id, box: Rect(x: f.boxes[b][0], y: f.boxes[b][1], width: f.boxes[b][2], height: f.boxes[b][3]))) } catch { throw imageError(error, context) }
    }

    func wordsImage(_ request: Request, _ context: ReviewContext) throws -> Response {
        let q = query(request)
        let id = try imageID(q, context)
        guard let fieldID = q["field"], let st = model.station(ofImage: id),
              let page = st.current.pages.first(where: { $0.imageID == id }), let t = try? model.store.template(page.template),
              let w = t.template.field(fieldID)?.words, w.count == 4 else { throw notFound(context, "no such words line") }
        do { return Self.jpeg(try images.wordsJPEG(id, line: Rect(x: w[0], y: w[1], width: w[2], height: w[3]))) } catch { throw imageError(error, context) }
    }

    static func jpeg(_ data: Data) -> Response {
        Response(status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=600"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func imageError(_ error: PageImages.Failure, _ context: ReviewContext) -> PageError {
        let text = ReviewText(context.lang)
        switch error {
        case .noPage: return notFound(context, "no such page")
        case .unreadable(let why): return PageError(status: .notFound, message: text.t("Foto halaman ini tidak bisa dibuka lagi (dipindah atau dihapus?).", "This page's photo cannot be opened any more (moved or deleted?)."), log: why)
        case .encoding(let why): return PageError(status: .internalServerError, message: text.serverError, log: why)
        }
    }
}
