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

    /// A page's fields as the reconciler makes them from boxes read surely as `texts`
    /// (`"X26"`, `"182"`), the scan's other parts kept.
    func reading(_ page: PageResult, _ texts: [String: String]) throws -> PageResult {
        let t = try Fixtures.store.template(page.template)
        var boxes: [String: [BoxResult]] = [:]
        for f in t.template.fields {
            let text = try #require(texts[f.id], "\(f.id)")
            boxes[f.id] = text.enumerated().map { i, c in
                let s: BoxSymbol = c == "X" ? .cross : .digit(Int(String(c))!)
                return BoxResult(position: i, symbol: s, candidates: [Candidate(symbol: s, probability: 0.99)], source: "test", ink: 0.1, readers: [])
            }
        }
        var out = page
        (out.fields, out.rules, _) = Reconciler(template: t).check(boxes: boxes)
        out.status = out.fields.values.map(\.status).max() ?? .missing
        return out
    }

    func texts(_ truth: TruthFile) -> [String: String] {
        truth.fields.mapValues { v in v == 0 ? "XXX" : String(repeating: "X", count: 3 - String(v).count) + String(v) }
    }

    @Test func aMisreadOnLembar2IsSingledOutWithLembar1() throws {
        // Lembar 2's V.B (8) read 3 surely: V.C = V.A + V.B fails (182 ≠ 174 + 3), and on the
        // page alone V.B or V.C could be the misread one. Lembar 1 confirms I.B.4 J = 182 by its
        // own sums, so with V.C = I.B.4 J only V.B can be: set aside, "8" implied, V.C verified.
        let scanner = try Fixtures.scanner()
        let t1 = try Fixtures.truth("pantemeutia-01-lembar1.jpg"), t2 = try Fixtures.truth("pantemeutia-01-lembar2.jpg")
        let l1 = try reading(try scanner.scan(path: Fixtures.kpu("pantemeutia-01-lembar1.jpg"), templateID: "c1-ppwp-2019-lembar1"), texts(t1))
        var misread = texts(t2)
        misread["suara_tidak_sah"] = "XX3"
        let l2 = try reading(try scanner.scan(path: Fixtures.kpu("pantemeutia-01-lembar2.jpg"), templateID: "c1-ppwp-2019-lembar2"), misread)
        #expect(l1.fields["pengguna_total_j"]?.value == 182)
        #expect(l1.fields["pengguna_total_j"]?.status == .verified)
        #expect(l2.fields["suara_total"]?.status == .review)
        var pages = [l1, l2]
        StationChecker.apply(to: &pages, store: Fixtures.store)
        let invalid = try #require(pages[1].fields["suara_tidak_sah"])
        #expect(invalid.status == .review)
        #expect(invalid.setAside == true)
        #expect(invalid.value == 3)
        #expect(invalid.reasons.contains { $0.contains("imply 8") })
        for id in ["suara_total", "suara_sah", "suara_paslon_01", "suara_paslon_02"] {
            #expect(pages[1].fields[id]?.status == .verified, "\(id): \(pages[1].fields[id]?.reasons ?? [])")
        }
        #expect(pages[0].fields["pengguna_total_j"]?.status == .verified)
        #expect(pages[1].rules.filter { $0.station == true && $0.outcome == .fail }.isEmpty)
        #expect(pages[1].status == .review)

        // V.C read 102 for 182: set aside on the page already (V.A cannot be: its rules would
        // want 174 and 94); Lembar 1's I.B.4 J is not sent to review by the station rule.
        misread = texts(t2)
        misread["suara_total"] = "102"
        var other = [l1, try reading(l2, misread)]
        StationChecker.apply(to: &other, store: Fixtures.store)
        #expect(other[1].fields["suara_total"]?.setAside == true)
        #expect(other[1].fields["suara_total"]?.reasons.contains { $0.contains("imply 182") } == true)
        #expect(other[0].fields["pengguna_total_j"]?.status == .verified)
    }

    @Test func aCopyAcrossPagesOfANumberItsPageConfirmsIsConfirmed() throws {
        // Lembar 2 with V.B = 0 and IV.02 = 0: V.C = V.A + 0 = IV.01 are copies of each other,
        // which alone confirm nothing; Lembar 1 confirms I.B.4 J (= V.C) by its sums, which
        // confirms V.C, and through it V.A and IV.01.
        let scanner = try Fixtures.scanner()
        let t1 = try Fixtures.truth("pantemeutia-01-lembar1.jpg")
        let l1 = try reading(try scanner.scan(path: Fixtures.kpu("pantemeutia-01-lembar1.jpg"), templateID: "c1-ppwp-2019-lembar1"), texts(t1))
        let copies = ["suara_paslon_01": "182", "suara_paslon_02": "XXX", "suara_sah": "182", "suara_tidak_sah": "XXX", "suara_total": "182"]
        let l2 = try reading(try scanner.scan(path: Fixtures.kpu("pantemeutia-01-lembar2.jpg"), templateID: "c1-ppwp-2019-lembar2"), copies)
        #expect(l2.fields["suara_total"]?.status == .review)
        var pages = [l1, l2]
        StationChecker.apply(to: &pages, store: Fixtures.store)
        for id in ["suara_total", "suara_sah", "suara_paslon_01"] {
            #expect(pages[1].fields[id]?.status == .verified, "\(id): \(pages[1].fields[id]?.reasons ?? [])")
        }
        // 181 in all three places: the copy across pages fails, nothing on Lembar 2 is confirmed.
        let differs = copies.mapValues { $0 == "182" ? "181" : $0 }
        var other = [l1, try reading(l2, differs)]
        StationChecker.apply(to: &other, store: Fixtures.store)
        for id in ["suara_total", "suara_sah", "suara_paslon_01"] {
            #expect(other[1].fields[id]?.status == .review, "\(id)")
        }
    }
}
