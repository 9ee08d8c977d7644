import DigitReader
import Foundation
import Testing
@testable import FormScan

@Suite("Reading real pages end to end")
struct PipelineTests {
    @Test("no number is emitted as good when it is wrong", arguments: Fixtures.kpuPages)
    func noSilentErrors(page: String) throws {
        let truth = try Fixtures.truth(page)
        let result = try Fixtures.scanner().scan(path: Fixtures.kpu(page), templateID: truth.template)
        #expect(result.template == truth.template)
        #expect(result.fields.count == truth.fields.count)
        #expect(result.rules.count == (try Fixtures.store.template(truth.template)).rules.count)
        for (id, expected) in truth.fields {
            let f = try #require(result.fields[id])
            #expect(f.boxes.count == 3)
            if f.status == .verified || f.status == .corrected {
                #expect(f.value == expected, "\(id) emitted as \(f.status) with \(f.value.map(String.init) ?? "nil"), truth \(expected)")
            } else {
                #expect(!f.reasons.isEmpty, "\(id) is \(f.status) without a reason")
            }
        }
        // the page is as bad as its worst field
        #expect(result.status == result.fields.values.map(\.status).max())
    }

    @Test("the page is identified without being told", arguments: ["pantemeutia-01-lembar1.jpg", "karanghampa-01-lembar2.png"])
    func identifiesTemplate(page: String) throws {
        let truth = try Fixtures.truth(page)
        let result = try Fixtures.scanner().scan(path: Fixtures.kpu(page), templateID: "auto")
        #expect(result.template == truth.template)
    }

    @Test func resultJSONHasTheDocumentedShape() throws {
        let result = try Fixtures.scanner().scan(path: Fixtures.kpu("aluebatee-01-lembar2.jpg"), templateID: "c1-ppwp-2019-lembar2")
        let data = try JSONEncoder().encode(result)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let fields = try #require(object["fields"] as? [String: Any])
        let total = try #require(fields["suara_total"] as? [String: Any])
        #expect(total["status"] is String)
        #expect(total.keys.contains("value"))
        #expect(object["status"] is String)
        #expect(object["registration"] is [String: Any])
        #expect((object["rules"] as? [Any])?.count == 2)
    }

    @Test("generated pages: nothing silently wrong, and a deliberate arithmetic error goes to review")
    func generatedPages() throws {
        let dir = Fixtures.samples.appendingPathComponent("generated").path
        let report = try Evaluator(scanner: try Fixtures.scanner()).run(directory: dir)
        let s = report.summary
        #expect(s.pages == 6)
        #expect(s.pageErrors == 0)
        #expect(s.silentErrors == 0)
        #expect(s.mustReview == 1)
        #expect(s.mustReviewFlagged == s.mustReview)
        let broken = try #require(report.pages.first { $0.expectReview == true && $0.template == "c1-ppwp-2019-lembar2" })
        #expect(broken.status == .review)
    }
}
