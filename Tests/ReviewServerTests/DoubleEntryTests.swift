import Batch
import DigitReader
import FormScan
import Foundation
import GRDB
import Testing
@testable import ReviewServer

/// Double entry and the recap on the field screen, over a copy of the suite's batch database of
/// a real sample station (karanghampa-01's phone-photo Lembar 1: four fields in review).
@Suite(.serialized) struct DoubleEntryTests {
    /// A copy of the fixture's database (VACUUM INTO: consistent, WAL included) without any
    /// person's answer (another suite's test may have one standing at the moment), for one test.
    static func copy(_ fixture: ReviewFixture, _ name: String) throws -> ScanDatabase {
        let path = (fixture.db as NSString).deletingLastPathComponent + "/\(name)-\(UUID().uuidString.prefix(8)).sqlite"
        let queue = try DatabaseQueue(path: fixture.db)
        try queue.writeWithoutTransaction { try $0.execute(sql: "VACUUM INTO ?", arguments: [path]) }
        try queue.close()
        let db = try ScanDatabase(path: path)
        let clear = try DatabaseQueue(path: path)
        try clear.write { db in
            try db.execute(sql: "DELETE FROM corrections; DELETE FROM review_answers; DELETE FROM review_entries")
        }
        try clear.close()
        return db
    }

    static func truth(_ fixture: ReviewFixture, _ ref: FieldRef) throws -> Int {
        try #require(fixture.truth[String(ref.imageID)]?[ref.field])
    }

    static func html(_ model: ReviewModel, _ ref: FieldRef, entered: Bool = false) throws -> String {
        let st = try #require(model.station(ofImage: ref.imageID))
        let screen = try #require(FieldScreen(station: st, ref: ref, store: model.store, doubleEntry: model.doubleEntry))
        return FieldPage.render(screen, text: ReviewText(.id), csrf: "c", banner: "", skip: nil, entered: entered)
    }

    @Test func aValueStandsOnlyWhenTwoPeopleAgree() async throws {
        let fixture = try await ReviewFixture.shared()
        let db = try Self.copy(fixture, "agree")
        let model = try ReviewModel(database: db, store: try TemplateStore(), doubleEntry: true)
        let st = try #require(model.stations.first)
        #expect(st.open.count == 4)
        let ref = st.open[0]
        let value = try Self.truth(fixture, ref)

        // The first entry: stored apart, no correction, the field still open and waiting for a second person.
        let first = try model.answer(ref, input: .number(value), person: "Siti", reason: "r")
        #expect(first.step == .firstEntry)
        #expect(try db.corrections()[ref.imageID]?[ref.field] == nil)
        #expect(try db.reviewAnswers().isEmpty)
        let now = try #require(model.station(st.key))
        #expect(now.open.contains(ref) && now.stage(ref) == .second)
        #expect(!now.open(for: "Siti").contains(ref))
        #expect(now.open(for: "Budi").first == ref)
        // The second person's screen says nothing of the first entry (who, or what).
        let screen = try Self.html(model, ref)
        #expect(screen.contains("data-stage=\"second\""))
        #expect(!screen.contains("Siti") && !screen.contains("id=\"entries\""))

        // The same name again (case and spaces aside) is refused: nothing stored.
        #expect(throws: ReviewError.samePerson) { try model.answer(ref, input: .number(value), person: "  siti ", reason: "r") }
        #expect(try db.reviewEntries().count == 1)

        // A second name agreeing: the value stands as a correction naming both; both entries kept, linked to it.
        let second = try model.answer(ref, input: .number(value), person: "Budi", reason: "r")
        #expect(second.step == .agreed)
        #expect(try db.corrections()[ref.imageID]?[ref.field] == value)
        let answer = try #require(try db.reviewAnswers().last)
        #expect(answer.person == "Siti + Budi" && answer.decidedBy == .agreement && answer.value == value)
        let entries = try db.reviewEntries(pendingOnly: false)
        #expect(entries.map(\.person) == ["Siti", "Budi"] && entries.allSatisfy { $0.answerID == answer.id })
        #expect(try #require(model.station(st.key)).open.count == 3)

        // Undo of the agreement: the correction goes, the second entry is withdrawn, the first waits again.
        guard case .answer(let id)? = second.undo else { Issue.record("the agreement cannot be undone"); return }
        _ = try model.undo(.answer(id), person: "Budi")
        #expect(try db.corrections()[ref.imageID]?[ref.field] == nil)
        let back = try #require(model.station(st.key))
        #expect(back.stage(ref) == .second && back.entries[ref]?.map(\.person) == ["Siti"])
        #expect(try db.reviewEntries(pendingOnly: false, includingUndone: true).count == 2)

        // A first entry alone can be withdrawn by its session's undo.
        let other = back.open[1]
        let lone = try model.answer(other, input: .unreadable, person: "Siti", reason: "r")
        guard case .entry(let entry)? = lone.undo else { Issue.record("a first entry cannot be undone"); return }
        _ = try model.undo(.entry(entry), person: "Siti")
        #expect(try #require(model.station(st.key)).stage(other) == .first)
    }

    @Test func aDisagreementGoesToAThirdLookThatDecides() async throws {
        let fixture = try await ReviewFixture.shared()
        let db = try Self.copy(fixture, "third")
        let model = try ReviewModel(database: db, store: try TemplateStore(), doubleEntry: true)
        let st = try #require(model.stations.first)
        let ref = st.open[1]
        let value = try Self.truth(fixture, ref)
        let wrong = value == 999 ? 998 : value + 1

        let first = try model.answer(ref, input: .number(wrong), person: "Siti", reason: "r")
        #expect(first.step == .firstEntry)
        let second = try model.answer(ref, input: .number(value), person: "Budi", reason: "r")
        #expect(second.step == .disagreed)
        #expect(second.undo == nil)                                  // one try: no undo to try again
        #expect(try db.corrections()[ref.imageID]?[ref.field] == nil)
        // Siti's entry can no longer be withdrawn (she would enter again knowing it differed).
        guard case .entry(let sitiEntry)? = first.undo else { Issue.record("no first entry"); return }
        #expect(throws: ReviewError.noSuchAnswer) { try model.undo(.entry(sitiEntry), person: "Siti") }

        let now = try #require(model.station(st.key))
        #expect(now.stage(ref) == .thirdLook && now.thirdLooks == 1)
        #expect(!now.open(for: "Siti").contains(ref) && !now.open(for: "budi").contains(ref) && now.open(for: "Ani").contains(ref))
        // The queue shows it as a third look, and its filter finds the station.
        let queue = QueuePage.render(model.stations, filter: QueueFilter(status: "third"), text: ReviewText(.id), doubleEntry: true)
        #expect(queue.contains("1 menunggu tinjauan ketiga") && queue.contains(st.key))
        // The third person sees both entries, with who gave them; one of the two does not.
        let third = try Self.html(model, ref)
        #expect(third.contains("data-stage=\"third-look\""))
        #expect(third.contains("Siti: <strong>\(wrong)</strong>") && third.contains("Budi: <strong>\(value)</strong>"))
        #expect(!(try Self.html(model, ref, entered: true)).contains("id=\"entries\""))

        #expect(throws: ReviewError.samePerson) { try model.answer(ref, input: .number(value), person: "Siti", reason: "r") }
        #expect(throws: ReviewError.samePerson) { try model.answer(ref, input: .number(value), person: "Budi", reason: "r") }
        let decided = try model.answer(ref, input: .number(value), person: "Ani", reason: "r")
        #expect(decided.step == .decided)
        #expect(try db.corrections()[ref.imageID]?[ref.field] == value)
        let answer = try #require(try db.reviewAnswers().last)
        #expect(answer.person == "Ani" && answer.decidedBy == .thirdLook)
        let entries = try db.reviewEntries(pendingOnly: false)
        #expect(entries.map(\.value) == [wrong, value] && entries.allSatisfy { $0.answerID == answer.id })
        #expect(!(try #require(model.station(st.key))).open.contains(ref))

        // Undo of the decision: the field is back at a third look, both entries kept.
        guard case .answer(let id)? = decided.undo else { Issue.record("the decision cannot be undone"); return }
        _ = try model.undo(.answer(id), person: "Ani")
        #expect(try #require(model.station(st.key)).stage(ref) == .thirdLook)
        #expect(try db.corrections()[ref.imageID]?[ref.field] == nil)

        // A database left with entries pending opens again with them (the next session goes on).
        let again = try ReviewModel(database: db, store: try TemplateStore(), doubleEntry: true)
        #expect(try #require(again.station(st.key)).stage(ref) == .thirdLook)
    }

    /// The same over HTTP (`scan-c1 review --double-entry`): three browsers, three names; the
    /// second's screen and answer tell nothing of the first's entry; the same name (another
    /// browser) is refused; a first entry is undone from its own session only.
    @Test func doubleEntryOverHTTP() async throws {
        let fixture = try await ReviewFixture.shared()
        let db = try Self.copy(fixture, "http")
        let server = try ServerProcess(db: db.path, extra: ["--double-entry"])
        defer { server.stop() }
        let base = server.base
        func session(_ name: String) throws -> (jar: String, csrf: String) {
            let jar = try Curl.get(server.url).setCookies.map { $0.split(separator: ";")[0] }.joined(separator: "; ")
            let csrf = try #require(try Curl.get(base + "/name?next=/", cookie: jar).csrf)
            #expect(try Curl.post(base + "/name", form: "name=\(name)&csrf=\(csrf)&next=/", cookie: jar).status == 303)
            return (jar, csrf)
        }
        let siti = try session("Siti"), budi = try session("Budi"), again = try session("SITI")
        let start = try Curl.get(base + "/station?key=" + fixture.key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, cookie: siti.jar)
        let fieldURL = try #require(start.header("location"))
        let q = Form.parse(String(fieldURL.split(separator: "?")[1]))
        let (image, field) = (try #require(q["image"]), try #require(q["field"]))
        let value = try #require(fixture.truth[image]?[field])
        let wrong = value == 999 ? 998 : value + 1
        #expect(try Curl.get(base + "/", cookie: siti.jar).body.contains("0 menunggu entri kedua"))

        // Siti's first entry (a wrong number): no correction; her session can take it back, another cannot.
        let first = try Curl.post(base + "/answer", form: "csrf=\(siti.csrf)&image=\(image)&field=\(field)&value=\(wrong)", cookie: siti.jar, json: true)
        #expect(first.status == 200 && first.body.contains("\"step\":\"first-entry\""))
        let entryID = try #require(try db.reviewEntries().first?.id)
        #expect(try db.corrections()[Int64(image)!]?[field] == nil)
        #expect(try Curl.post(base + "/undo", form: "csrf=\(budi.csrf)&entry=\(entryID)", cookie: budi.jar).status == 400)
        #expect(try Curl.post(base + "/undo", form: "csrf=\(siti.csrf)&entry=\(entryID)", cookie: siti.jar).status == 303)
        #expect(try db.reviewEntries().isEmpty)
        _ = try Curl.post(base + "/answer", form: "csrf=\(siti.csrf)&image=\(image)&field=\(field)&value=\(wrong)", cookie: siti.jar, json: true)
        #expect(try Curl.get(base + "/", cookie: siti.jar).body.contains("1 menunggu entri kedua"))

        // The same name from another browser: refused, nothing stored.
        let twice = try Curl.post(base + "/answer", form: "csrf=\(again.csrf)&image=\(image)&field=\(field)&value=\(wrong)", cookie: again.jar, json: true)
        #expect(twice.status == 400 && twice.body.contains("harus dari orang lain"))
        #expect(try db.reviewEntries().count == 1)

        // Budi's screen: the second entry, nothing of Siti's; his answer differs: a third look, said without her number.
        let screen = try Curl.get(base + fieldURL, cookie: budi.jar)
        #expect(screen.status == 200 && screen.body.contains("data-stage=\"second\""))
        #expect(!screen.body.contains("Siti") && !screen.body.contains("id=\"entries\""))
        let second = try Curl.post(base + "/answer", form: "csrf=\(budi.csrf)&image=\(image)&field=\(field)&value=\(value)", cookie: budi.jar, json: true)
        #expect(second.status == 200 && second.body.contains("\"step\":\"disagreed\"") && !second.body.contains("answerID"))
        let said = try #require(try JSONSerialization.jsonObject(with: Data(second.body.utf8)) as? [String: Any])
        let label = try #require(try db.pages().first?.result.fields[field]?.label)
        #expect(said["message"] as? String == ReviewText(.id).answerMessage(label: label, shown: "\(value)", kind: .typed, step: .disagreed))
        #expect(try Curl.get(base + "/?status=third", cookie: budi.jar).body.contains("1 menunggu tinjauan ketiga"))

        // Ani's third look: both entries with their names; her answer decides.
        let ani = try session("Ani")
        let look = try Curl.get(base + fieldURL, cookie: ani.jar)
        #expect(look.body.contains("data-stage=\"third-look\"") && look.body.contains("Siti: <strong>\(wrong)</strong>") && look.body.contains("Budi: <strong>\(value)</strong>"))
        let decided = try Curl.post(base + "/answer", form: "csrf=\(ani.csrf)&image=\(image)&field=\(field)&value=\(value)", cookie: ani.jar, json: true)
        #expect(decided.status == 200 && decided.body.contains("\"step\":\"decided\""))
        #expect(try db.corrections()[Int64(image)!]?[field] == value)
        #expect(try db.reviewAnswers().last?.person == "Ani")
    }

    /// `--expect` with `--db`: an export CSV whose row names the station (by its last path
    /// component); the field screen shows the recap's value beside the reading and whether it agrees.
    @Test func theRecapValueIsShownAndSaysWhetherItAgrees() async throws {
        let fixture = try await ReviewFixture.shared()
        let db = try Self.copy(fixture, "recap")
        let st = try #require(try ReviewModel(database: db, store: try TemplateStore()).stations.first)
        let page = try #require(st.current.pages.first)
        let (agreeing, differing) = (st.open[0], st.open[1])
        // A verified field for the agreeing side's number to stand (the open ones have a reading or none).
        let verified = try #require(page.result.orderedFields.first { $0.status == .verified && $0.value != nil })
        let (a, d) = (try Self.truth(fixture, agreeing), try Self.truth(fixture, differing))
        let dir = (db.path as NSString).deletingLastPathComponent
        let csv = dir + "/rekap-\(UUID().uuidString.prefix(8)).csv"
        let name = (st.key as NSString).lastPathComponent
        try """
            station,status,pages,templates,\(verified.id),\(agreeing.field),\(differing.field)
            \(name),review,1,\(page.template),\(verified.value!),\(a),\(d == 999 ? 998 : d + 1)
            other/tps-99,verified,1,\(page.template),1,2,3

            """.write(toFile: csv, atomically: true, encoding: .utf8)
        var o = ReviewSession.Options()
        (o.database, o.expect) = (db.path, [csv])
        let (server, _) = try ReviewSession(o).prepare()
        let model = server.model
        let now = try #require(model.station(st.key))
        func screen(_ ref: FieldRef) throws -> (FieldScreen, String) {
            let s = try #require(FieldScreen(station: now, ref: ref, store: model.store))
            return (s, FieldPage.render(s, text: ReviewText(.id), csrf: "c", banner: "", skip: nil))
        }
        let (v, vHTML) = try screen(FieldRef(imageID: page.imageID, field: verified.id))
        #expect(v.recap == verified.value && v.recapAgrees == true)
        #expect(vHTML.contains("id=\"recap-value\">\(verified.value!)</strong>") && vHTML.contains("sama dengan angka isian ini"))
        let (dScreen, dHTML) = try screen(differing)
        #expect(dScreen.recap == (d == 999 ? 998 : d + 1))
        if dScreen.field.value != nil {
            #expect(dScreen.recapAgrees == false && dHTML.contains("class=\"recap fail\"") && dHTML.contains("berbeda dari angka isian ini"))
        } else {
            #expect(dScreen.recapAgrees == nil && dHTML.contains("belum bisa dibandingkan"))
        }
        #expect(try screen(agreeing).0.recap == a)
        // A field the recap does not name shows none.
        let unnamed = try #require(st.open.dropFirst(2).first)
        #expect(try screen(unnamed).0.recap == nil && !(try screen(unnamed).1.contains("id=\"recap\"")))
        // After a person's answer the recap still compares with the number now standing.
        _ = try model.answer(differing, input: .number(d), person: "Siti", reason: "r")
        let later = try #require(model.station(st.key))
        let after = try #require(FieldScreen(station: later, ref: differing, store: model.store))
        #expect(after.field.value == d && after.recapAgrees == false)
    }

    /// A recap that cannot be used is refused before anything is served: field,value lines with
    /// --db (they name no station), an export naming none of the database's stations, and with
    /// images a name that is no field (before a page is read).
    @Test func aRecapThatCannotBeUsedIsRefused() async throws {
        let fixture = try await ReviewFixture.shared()
        let dir = (fixture.db as NSString).deletingLastPathComponent
        let lines = dir + "/lines.csv", others = dir + "/others.csv"
        try "suara_sah,140\n".write(toFile: lines, atomically: true, encoding: .utf8)
        try "station,status,pages,templates,suara_sah\nelsewhere/tps-01,review,1,x,5\n".write(toFile: others, atomically: true, encoding: .utf8)
        func failure(_ o: ReviewSession.Options) -> ReviewSession.Failure? {
            do { _ = try ReviewSession(o).prepare(); return nil } catch { return error }
        }
        var o = ReviewSession.Options()
        o.database = fixture.db
        o.expect = [lines]
        guard case .badRecap(let m1)? = failure(o) else { Issue.record("field,value lines with --db were taken"); return }
        #expect(m1.contains("name no station"))
        o.expect = [others]
        guard case .badRecap(let m2)? = failure(o) else { Issue.record("an export of other stations was taken"); return }
        #expect(m2.contains("no row names a station of this database"))
        o.expect = ["suara_sahh=140"]
        o.database = dir + "/never-made.sqlite"
        o.images = [ReviewServerTests.photos.appendingPathComponent("\(ReviewFixture.station)-lembar1.jpg").path]
        guard case .badRecap(let m3)? = failure(o) else { Issue.record("an unknown field was taken"); return }
        #expect(m3.contains("suara_sahh"))
        #expect(!FileManager.default.fileExists(atPath: o.database!))

        // The command: one call, the failure on stderr and exit 64 (bad usage), nothing on stdout.
        let p = Process()
        p.executableURL = ServerProcess.tool
        p.arguments = ["review", "--db", fixture.db, "--double-entry", "--expect", lines]
        let (out, err) = (Pipe(), Pipe())
        (p.standardOutput, p.standardError) = (out, err)
        try p.run()
        let said = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 64)
        #expect(said.contains("scan-c1: error:") && said.contains("name no station"))
        #expect(out.fileHandleForReading.readDataToEndOfFile().isEmpty)
    }
}
