import Batch
import DigitReader
import Foundation
import Testing
@testable import FormScan

/// The field screen of a number the form also has in words shows that line, cut from the
/// registered page, with what the words reader made of it.
@Suite("Review page: the number written in words", .serialized)
struct WordsCropTests {
    @Test func aLembar2FieldShowsItsWordsLine() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scan-c1-review-words-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        let photos = dir.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: ReviewServerTests.root.appendingPathComponent("SampleScans/kpu-2019/kubu-02-lembar2.jpg"),
                                         to: photos.appendingPathComponent("kubu-02-lembar2.jpg"))
        let db = dir.appendingPathComponent("review.sqlite").path
        let database = try ScanDatabase(path: db)
        let store = try TemplateStore()
        let versions = Fingerprint.versions(tool: "test", models: ModelLocator(), store: store)
        _ = try await BatchRunner(database: database, store: store, versions: versions,
                                  options: BatchOptions(folder: photos.path, jobs: 1, templateID: "c1-ppwp-2019-lembar2")) {
            PageScanner(store: store, reader: try BoxReader())
        }.run()
        let imageID = try #require(try database.pages().first?.imageID)

        let server = try ServerProcess(db: db)
        defer { server.stop() }
        let first = try Curl.get(server.url)
        let jar = first.setCookies.map { $0.split(separator: ";")[0] }.joined(separator: "; ")
        let fieldURL = "/field?image=\(imageID)&field=suara_paslon_01"
        let ask = try Curl.get(server.base + fieldURL, cookie: jar)
        let namePage = try Curl.get(server.base + (ask.header("location") ?? "/name"), cookie: jar)
        let csrf = try #require(namePage.csrf)
        #expect(try Curl.post(server.base + "/name", form: "name=Siti&csrf=\(csrf)", cookie: jar).status == 303)
        let screen = try Curl.get(server.base + fieldURL, cookie: jar)
        #expect(screen.status == 200)
        #expect(screen.body.contains("/image/words?"), "\(screen.body.prefix(400))")
        #expect(screen.body.contains("Ditulis dengan huruf"))
        let words = try Curl.get(server.base + "/image/words?image=\(imageID)&field=suara_paslon_01", cookie: jar)
        #expect(words.status == 200)
        #expect(words.header("content-type") == "image/jpeg")
        // A field without a words line has none, and the route says so.
        #expect(try Curl.get(server.base + "/image/words?image=\(imageID)&field=nosuch", cookie: jar).status == 404)
    }
}
