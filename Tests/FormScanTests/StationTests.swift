import DigitReader
import Foundation
import Testing
@testable import FormScan

@Suite("Stations: pages grouped by file name, rules across pages")
struct StationTests {
    @Test(arguments: [
        ("SampleScans/kpu-2019/aluebatee-01-lembar2.jpg", "SampleScans/kpu-2019/aluebatee-01"),
        ("x/TPS 07 hal3.jpg", "x/TPS 07"),
        ("x/tps07_Halaman_1.PNG", "x/tps07"),
        ("x/plain.jpg", "x/plain"),
    ])
    func stationKey(path: String, key: String) {
        #expect(StationChecker.stationKey(for: path) == key)
    }

    @Test func stationRulesAreLoadedAndValidated() throws {
        let l2 = try Fixtures.store.template("c1-ppwp-2019-lembar2")
        #expect(l2.stationRules.contains { $0.fieldIDs == ["suara_total", "c1-ppwp-2019-lembar1.pengguna_total_j"] })
    }

    @Test func aStationRuleThatFailsSendsBothPagesFieldsToReview() throws {
        let scanner = try Fixtures.scanner()
        let l1 = try scanner.scan(path: Fixtures.kpu("aluebatee-01-lembar1.jpg"), templateID: "c1-ppwp-2019-lembar1")
        var l2 = try scanner.scan(path: Fixtures.kpu("aluebatee-01-lembar2.jpg"), templateID: "c1-ppwp-2019-lembar2")
        // As read, the pages agree (or the rule is unknown); make Lembar 2's total disagree.
        l2.fields["suara_total"]?.value = 999
        var pages = [l1, l2]
        StationChecker.apply(to: &pages, store: Fixtures.store)
        let rule = try #require(pages[1].rules.first { $0.station == true && $0.rule.contains("pengguna_total_j") })
        #expect(rule.outcome == .fail)
        #expect(pages[1].fields["suara_total"]?.status == .review)
        #expect(pages[0].fields["pengguna_total_j"]?.status == .review)
        #expect(pages[0].fields["pengguna_total_j"]?.reasons.contains { $0.contains("station rule") } == true)
    }
}
