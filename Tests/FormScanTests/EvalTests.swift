import Foundation
import Testing
@testable import FormScan

@Suite("scan-c1 eval: scoring and baselines")
struct EvalTests {
    func page(_ fields: [(Int, Int?, FieldStatus)]) -> EvalReport.Page {
        EvalReport.Page(file: "p.jpg", template: "t", error: nil,
                        fields: fields.enumerated().map { i, f in
                            EvalReport.Field(id: "f\(i)", expected: f.0, value: f.1, status: f.2, boxesCorrect: 3, boxes: 3, read: "")
                        }, milliseconds: 10, status: .verified)
    }

    @Test func silentErrorsAreWrongValuesEmittedAsGood() {
        let r = EvalReport(pages: [page([(5, 5, .verified), (7, 1, .verified), (9, 8, .review), (3, 4, .corrected)])])
        #expect(r.summary.silentErrors == 2)
        #expect(r.summary.fieldsCorrect == 1)
        #expect(r.summary.correctOrFlagged == 2)
    }

    @Test func baselineComparisonFlagsRegressions() throws {
        let good = EvalReport(pages: [page([(5, 5, .verified), (7, 7, .verified)])])
        let worse = EvalReport(pages: [page([(5, 5, .verified), (7, 1, .verified)])])
        #expect(good.regressions(against: good, tolerance: 0).isEmpty)
        let problems = worse.regressions(against: good, tolerance: 0.005)
        #expect(problems.contains { $0.contains("silent errors rose from 0 to 1") })
        #expect(problems.contains { $0.contains("field accuracy") })
        // A report survives its JSON round trip (what --baseline reads).
        let data = try JSONEncoder().encode(good)
        let back = try JSONDecoder().decode(EvalReport.self, from: data)
        #expect(back.summary.fieldsCorrect == 2)
    }

    @Test func boxTruthFromValues() {
        #expect(Evaluator.boxCorrect(.cross, position: 0, boxes: 3, truth: 75))
        #expect(Evaluator.boxCorrect(.digit(7), position: 1, boxes: 3, truth: 75))
        #expect(!Evaluator.boxCorrect(.digit(1), position: 1, boxes: 3, truth: 75))
        #expect(Evaluator.boxCorrect(.digit(0), position: 2, boxes: 3, truth: 0))
        #expect(Evaluator.boxCorrect(.cross, position: 2, boxes: 3, truth: 0))
        #expect(!Evaluator.boxCorrect(.digit(0), position: 0, boxes: 3, truth: 75))
    }
}
