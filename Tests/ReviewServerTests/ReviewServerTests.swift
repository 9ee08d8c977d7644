import Batch
import DigitReader
import FormScan
import Foundation
import Testing
@testable import ReviewServer

/// The review page against a real server (`scan-c1 review --db`, a child process) over a batch
/// database read from a real sample station, spoken to with curl: the token, the cookies,
/// CSRF, validation, an answer stored with the person's name, undo.
@Suite(.serialized) struct ReviewServerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Every station of SampleScans/kpu-2019 is read without a field in review by the shipped
    /// readers (they learnt from those boxes); the phone-photo rendition of karanghampa-01's
    /// Lembar 1 has four (a DPK total read 8 for an X-ed 0, the disability row's crossed boxes).
    static let photos = root.appendingPathComponent("SampleScans/generated-photos")

    @Test(arguments: [("", ReviewInput.confirm), ("140", .number(140)), ("0", .number(0)), ("999", .number(999)), (" 7 ", .number(7)),
                      ("x", .unreadable), ("X", .unreadable)])
    func acceptsWhatAPersonMayType(_ text: String, _ expected: ReviewInput) {
        #expect(ReviewInput(text) == expected)
    }

    @Test(arguments: ["1000", "-1", "12a", "abc", "1.5", "0001", "١٢", "xx", "1 2"])
    func refusesAnythingElse(_ text: String) {
        #expect(ReviewInput(text) == nil)
    }

    @Test func servesOnlyWithTheTokenAndStoresAnAnswer() async throws {
        let fixture = try await ReviewFixture.shared()
        let server = try ServerProcess(db: fixture.db)
        defer { server.stop() }
        let base = server.base

        // No token, a wrong token, another Host: refused with a page, not served.
        let bare = try Curl.get(base + "/")
        #expect(bare.status == 403)
        #expect(bare.body.contains("Akses ditolak"))
        #expect(try Curl.get(base + "/?token=0123").status == 403)
        #expect(try Curl.get(base + "/image/page?image=1").status == 403)

        // The token once: a cookie (HttpOnly, SameSite=Strict) and the address without it.
        let first = try Curl.get(server.url)
        #expect(first.status == 303)
        #expect(first.header("location") == "/")
        let cookies = first.setCookies
        #expect(cookies.count == 2)
        #expect(cookies.allSatisfy { $0.contains("HttpOnly") && $0.contains("SameSite=Strict") })
        let jar = cookies.map { $0.split(separator: ";")[0] }.joined(separator: "; ")
        #expect(try Curl.get(server.url.replacingOccurrences(of: "127.0.0.1", with: "evil.example"), host: "evil.example:\(server.port)").status == 403)

        let queue = try Curl.get(base + "/", cookie: jar)
        #expect(queue.status == 200)
        #expect(queue.body.contains("dari 1 TPS selesai"))
        #expect(queue.header("content-security-policy")?.contains("default-src 'none'") == true)
        #expect(try Curl.get(base + "/?lang=en", cookie: jar).body.contains("of 1 stations done"))
        _ = try Curl.get(base + "/?lang=id", cookie: jar)

        // Images only by the database's ids; anything else is a page saying so.
        #expect(try Curl.get(base + "/image/page?image=999999", cookie: jar).status == 404)
        #expect(try Curl.get(base + "/image/page?image=..%2F..%2Fetc%2Fpasswd", cookie: jar).status == 404)
        #expect(try Curl.get(base + "/nowhere", cookie: jar).body.contains("Halaman ini tidak ada"))

        // The station's first open field, after the name (asked once).
        let start = try Curl.get(base + "/station?key=" + fixture.key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, cookie: jar)
        #expect(start.status == 303)
        let fieldURL = try #require(start.header("location"))
        let ask = try Curl.get(base + fieldURL, cookie: jar)
        #expect(ask.status == 303)
        let namePage = try Curl.get(base + (ask.header("location") ?? "/name"), cookie: jar)
        let csrf = try #require(namePage.csrf)
        #expect(try Curl.post(base + "/name", form: "name=Siti", cookie: jar).status == 403)            // no CSRF token
        #expect(try Curl.post(base + "/name", form: "name=Siti&csrf=bad", cookie: jar).status == 403)   // a wrong one
        #expect(try Curl.post(base + "/name", form: "name=Siti&csrf=\(csrf)", cookie: jar).status == 303)
        let screen = try Curl.get(base + fieldURL, cookie: jar)
        #expect(screen.status == 200)
        #expect(screen.body.contains("id=\"value\""))
        let q = Form.parse(String(fieldURL.split(separator: "?")[1]))
        let (image, field) = (try #require(q["image"]), try #require(q["field"]))
        let truth = try #require(fixture.truth[image]?[field])

        // Validation and the size limit.
        let bad = try Curl.post(base + "/answer", form: "csrf=\(csrf)&image=\(image)&field=\(field)&value=1000", cookie: jar)
        #expect(bad.status == 400)
        #expect(bad.body.contains("bukan angka 0–999"))
        let big = try Curl.post(base + "/answer", form: "csrf=\(csrf)&value=" + String(repeating: "9", count: 40_000), cookie: jar)
        #expect(big.status == 413)

        // The answer: stored with the name and the machine's reading, the rules checked again.
        let ok = try Curl.post(base + "/answer", form: "csrf=\(csrf)&image=\(image)&field=\(field)&value=\(truth)", cookie: jar, json: true)
        #expect(ok.status == 200)
        #expect(ok.body.contains("\"verdict\""))
        let db = try ScanDatabase(path: fixture.db)
        let answers = try db.reviewAnswers()
        let mine = try #require(answers.last)
        #expect(mine.field == field && mine.value == truth && mine.person == "Siti" && mine.kind == .typed)
        #expect(try db.corrections()[Int64(image)!]?[field] == truth)
        // The export says which number a person set.
        let store = try TemplateStore()
        var rebuilt: [Station] = []
        try db.rebuildStations(store: store) { rebuilt.append($0) }
        let row = try #require(StationExport.rows(rebuilt).first)
        #expect(row.fields[field]?.setByPerson == true && row.fields[field]?.value == truth)
        #expect(row.fields.values.filter { $0.setByPerson == true }.count == 1)
        let csv = StationExport.render([row], format: .csv, columns: StationExport.fieldColumns(store)).split(separator: "\r\n")
        let header = csv[0].split(separator: ",", omittingEmptySubsequences: false), cells = csv[1].split(separator: ",", omittingEmptySubsequences: false)
        let column = try #require(header.firstIndex(of: Substring("\(field)_status")))
        #expect(cells[column] == Substring(StationExport.setByPersonStatus))

        // Another session cannot undo it; its own can: the correction goes, the answer stays, marked undone.
        let other = try Curl.get(server.url).setCookies.map { $0.split(separator: ";")[0] }.joined(separator: "; ")
        let otherCSRF = try #require(try Curl.get(base + "/name?next=/", cookie: other).csrf)
        #expect(try Curl.post(base + "/undo", form: "csrf=\(otherCSRF)&answer=\(mine.id)", cookie: other).status == 400)
        #expect(try db.corrections()[Int64(image)!]?[field] == truth)
        let undo = try Curl.post(base + "/undo", form: "csrf=\(csrf)&answer=\(mine.id)", cookie: jar)
        #expect(undo.status == 303)
        #expect(try db.corrections()[Int64(image)!]?[field] == nil)
        #expect(try db.reviewAnswers(includingUndone: true).last?.undoneAt != nil)
        #expect(try db.reviewAnswers().isEmpty)
    }

    /// `Origin: null` (what a browser sends for an opaque origin) is let through on a write only
    /// to the CSRF check, which decides; another site's Origin is refused even with the right
    /// token; the pages ask for a same-origin referrer (so a browser names our origin).
    @Test func originNullIsDecidedByTheCSRFToken() async throws {
        let fixture = try await ReviewFixture.shared()
        let server = try ServerProcess(db: fixture.db)
        defer { server.stop() }
        let base = server.base
        let jar = try Curl.get(server.url).setCookies.map { $0.split(separator: ";")[0] }.joined(separator: "; ")
        let queue = try Curl.get(base + "/", cookie: jar)
        #expect(queue.header("referrer-policy") == "same-origin")
        let csrf = try #require(try Curl.get(base + "/name?next=/", cookie: jar).csrf)

        let nullBad = try Curl.post(base + "/name", form: "name=Siti&csrf=\(String(repeating: "0", count: csrf.count))", cookie: jar, origin: "null")
        #expect(nullBad.status == 403)
        #expect(try Curl.post(base + "/name", form: "name=Siti", cookie: jar, origin: "null").status == 403)
        let foreign = try Curl.post(base + "/name", form: "name=Siti&csrf=\(csrf)", cookie: jar, origin: "http://evil.example")
        #expect(foreign.status == 403)
        #expect(try Curl.post(base + "/name", form: "name=Siti&csrf=\(csrf)", cookie: jar, origin: "http://127.0.0.1:\(server.port + 1)").status == 403)
        #expect(try Curl.get(base + "/", cookie: jar, origin: "null").status == 403)             // a read has no token to decide
        // Nothing of the refused posts stuck: no name is shown for the session.
        #expect(try !Curl.get(base + "/", cookie: jar).body.contains("class=\"person\""))

        let nullGood = try Curl.post(base + "/name", form: "name=Siti&csrf=\(csrf)&next=/", cookie: jar, origin: "null")
        #expect(nullGood.status == 303)
        #expect(nullGood.header("location") == "/")
        #expect(try Curl.post(base + "/name", form: "name=Siti&csrf=\(csrf)&next=/", cookie: jar, origin: base).status == 303)
        #expect(try Curl.get(base + "/", cookie: jar).body.contains("<span class=\"person\">Siti</span>"))
    }
}

/// A batch database of one real station, read once for the suite.
actor ReviewFixture {
    static let station = "karanghampa-01-v5"
    let db: String
    let key: String
    /// image id → field → the true value (from the sample's truth files).
    let truth: [String: [String: Int]]

    init(db: String, key: String, truth: [String: [String: Int]]) { self.db = db; self.key = key; self.truth = truth }

    private static let made = Task<ReviewFixture, any Error> {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scan-c1-review-test-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        let photos = dir.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: ReviewServerTests.photos.appendingPathComponent("\(station)-lembar1.jpg"),
                                         to: photos.appendingPathComponent("\(station)-lembar1.jpg"))
        let path = dir.appendingPathComponent("review.sqlite").path
        let database = try ScanDatabase(path: path)
        let store = try TemplateStore()
        let versions = Fingerprint.versions(tool: "test", models: ModelLocator(), store: store)
        let runner = BatchRunner(database: database, store: store, versions: versions, options: BatchOptions(folder: photos.path, jobs: 1, templateID: "c1-ppwp-2019-lembar1")) {
            PageScanner(store: store, reader: try BoxReader())
        }
        _ = try await runner.run()
        var truth: [String: [String: Int]] = [:]
        for p in try database.pages() {
            let name = ((p.path as NSString).lastPathComponent as NSString).deletingPathExtension
            let data = try Data(contentsOf: ReviewServerTests.photos.appendingPathComponent("\(name).truth.json"))
            let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            truth[String(p.imageID)] = json["fields"] as? [String: Int]
        }
        return ReviewFixture(db: path, key: try database.pages().first!.station, truth: truth)
    }

    static func shared() async throws -> ReviewFixture { try await made.value }
}

/// `scan-c1 review --db PATH --port 0`: the address is the first line it prints.
final class ServerProcess {
    let process = Process()
    let url: String
    let base: String
    let port: Int

    init(db: String, extra: [String] = []) throws {
        process.executableURL = ServerProcess.tool
        process.arguments = ["review", "--db", db, "--port", "0"] + extra
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // Generous: a loaded 2-core machine may take a while to start it.
        var line = Data()
        let handle = out.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        url = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        guard let u = URLComponents(string: url), let p = u.port else { process.terminate(); throw CocoaError(.fileReadUnknown) }
        port = p
        base = "http://127.0.0.1:\(p)"
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    static var tool: URL {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("scan-c1"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("scan-c1"),
            ReviewServerTests.root.appendingPathComponent(".build/debug/scan-c1"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }
}

/// Real HTTP requests, with curl (no redirects followed, no cookie jar: each test says what it sends).
enum Curl {
    struct Reply {
        var status: Int
        var headers: [(String, String)]
        var body: String
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
        var setCookies: [String] { headers.filter { $0.0.lowercased() == "set-cookie" }.map(\.1) }
        var csrf: String? {
            guard let r = body.range(of: "name=\"csrf\" value=\"") else { return nil }
            return String(body[r.upperBound...].prefix { $0 != "\"" })
        }
    }

    static func get(_ url: String, cookie: String? = nil, host: String? = nil, origin: String? = nil) throws -> Reply {
        var args = [url]
        if let cookie { args += ["-H", "Cookie: \(cookie)"] }
        if let origin { args += ["-H", "Origin: \(origin)"] }
        if let host { args = [url.replacingOccurrences(of: host.split(separator: ":")[0], with: "127.0.0.1"), "-H", "Host: \(host)"] }
        return try run(args)
    }

    static func post(_ url: String, form: String, cookie: String, json: Bool = false, origin: String? = nil) throws -> Reply {
        var args = [url, "-H", "Cookie: \(cookie)", "--data-binary", "@-", "-H", "Content-Type: application/x-www-form-urlencoded"]
        if json { args += ["-H", "Accept: application/json"] }
        if let origin { args += ["-H", "Origin: \(origin)"] }
        return try run(args, input: form)
    }

    static func run(_ args: [String], input: String? = nil) throws -> Reply {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-s", "-i", "--max-time", "120"] + args
        let out = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardInput = inp
        try p.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let lines = head.components(separatedBy: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let headers = lines.dropFirst().compactMap { l -> (String, String)? in
            guard let i = l.firstIndex(of: ":") else { return nil }
            return (String(l[..<i]), l[l.index(after: i)...].trimmingCharacters(in: .whitespaces))
        }
        return Reply(status: status, headers: headers, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}
