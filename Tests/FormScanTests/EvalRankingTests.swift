import Foundation
import Testing
@testable import FormScan

/// `eval`'s list of worst pages and its baseline check.
@Suite("scan-c1 eval: worst pages and comparable baselines")
struct EvalRankingTests {
    func page(_ file: String, boxesWrong: Int = 0, wrongValue: Bool = false, status: FieldStatus = .verified) -> EvalReport.Page {
        let f = EvalReport.Field(id: "f", expected: 5, value: wrongValue ? 6 : 5, status: status, boxesCorrect: 3 - boxesWrong, boxes: 3, read: "")
        return EvalReport.Page(file: file, template: "t", error: nil, fields: [f, EvalReport.Field(id: "g", expected: 1, value: 1, status: .verified, boxesCorrect: 3, boxes: 3, read: "")],
                               milliseconds: 1, status: status)
    }

    @Test func perfectPagesAreLeftOutAndAMisreadBoxIsListed() {
        var broken = page("e.jpg")
        broken.error = "no form"
        broken.fields = []
        let report = EvalReport(pages: [page("a.jpg"), page("b.jpg", boxesWrong: 1), page("c.jpg"), page("d.jpg", status: .review),
                                        page("s.jpg", wrongValue: true), broken])
        let worst = report.worstPages(5).map(\.file)
        // Unreadable first, then a wrong value, a misread box whose value the rules put right, review.
        #expect(worst == ["e.jpg", "s.jpg", "b.jpg", "d.jpg"])
        #expect(report.worstPages(1).map(\.file) == ["e.jpg"])
        #expect(EvalReport(pages: [page("a.jpg")]).worstPages(5).isEmpty)
    }

    @Test func aBaselineOverOtherPagesIsWarnedOf() {
        let here = EvalReport(pages: [page("/abs/k/a.jpg"), page("/abs/k/b.jpg")])
        #expect(here.coverageWarning(against: EvalReport(pages: [page("k/a.jpg"), page("k/b.jpg")])) == nil, "the same pages by another path")
        let other = EvalReport(pages: [page("k/a.jpg"), page("k/c.jpg"), page("k/d.jpg")])
        let warning = here.coverageWarning(against: other)
        #expect(warning?.contains("1 in both, 1 only in this run, 2 only in the baseline") == true, "\(warning ?? "none")")
    }
}
