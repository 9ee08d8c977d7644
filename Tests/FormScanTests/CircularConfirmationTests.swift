import DigitReader
import Foundation
import Testing
@testable import FormScan

/// No sum may confirm a number through a number that was changed to fit it (issue 21): the
/// readings below are those of a phone-photo-like capture of a real 2019 Lembar 2 (truth
/// 23 / 83 / 106 / 3 / 109) that emitted a wrong 166 as verified.
@Suite("Circular confirmation: a number changed to fit confirms nothing")
struct CircularConfirmationTests {
    let template = try! Fixtures.store.template("c1-ppwp-2019-lembar2")

    /// A box with exactly these ranked readings.
    static func box(_ position: Int, _ readings: [(BoxSymbol, Double)]) -> BoxResult {
        BoxResult(position: position, symbol: readings[0].0,
                  candidates: readings.map { Candidate(symbol: $0.0, probability: $0.1) },
                  source: "test", ink: 0.1, readers: [])
    }

    static func field(_ boxes: [[(BoxSymbol, Double)]]) -> [BoxResult] {
        boxes.enumerated().map { box($0.offset, $0.element) }
    }

    /// The readings of the page in the issue, box by box.
    static let phonePhoto: [String: [BoxResult]] = [
        "suara_paslon_01": field([[(.cross, 1.0)], [(.digit(7), 0.91), (.digit(1), 0.05)], [(.digit(3), 0.55), (.digit(5), 0.45)]]),
        "suara_paslon_02": field([[(.digit(1), 1.0)], [(.digit(0), 0.81), (.digit(8), 0.16)], [(.digit(3), 0.97), (.digit(2), 0.03)]]),
        "suara_sah": field([[(.digit(1), 0.99), (.digit(7), 0.004)], [(.digit(6), 0.59), (.digit(0), 0.33)], [(.digit(6), 1.0)]]),
        "suara_tidak_sah": field([[(.cross, 1.0)], [(.cross, 1.0)], [(.digit(3), 0.78), (.digit(5), 0.22)]]),
        "suara_total": field([[(.digit(1), 1.0)], [(.digit(6), 0.94), (.digit(8), 0.02)],
                              [(.digit(4), 0.25), (.digit(8), 0.20), (.digit(9), 0.16)]]),
    ]

    static let truth = ["suara_paslon_01": 23, "suara_paslon_02": 83, "suara_sah": 106, "suara_tidak_sah": 3, "suara_total": 109]

    @Test func aSumHoldingOnlyThroughANumberChangedToFitItConfirmsNothing() throws {
        let (fields, _, _) = Reconciler(template: template).check(boxes: Self.phonePhoto)
        for (id, f) in fields where f.status <= .corrected {
            // Whatever is emitted as good is right.
            #expect(f.value == Self.truth[id], "\(id) emitted \(f.value.map(String.init) ?? "nil") as \(f.status)")
        }
        let sah = try #require(fields["suara_sah"])
        #expect(sah.status == .review, "\(sah.reasons)")
        #expect(sah.value == 166)
        // The page says why: the only rule that held, held through a number changed to fit it.
        let why = try #require(sah.reasons.first { $0.contains("holds only through numbers changed to fit") })
        #expect(why.contains("V.C = V.A + V.B"))
        #expect(why.contains("suara_total 164 → 169"))
    }

    /// 11 + 124 = 135 and 135 + 1 = 136 written, the valid votes' units read "6 60%, 5 38%" and
    /// the total's units read as `totalUnits`.
    func sahMisread(totalUnits: [(BoxSymbol, Double)]) -> [String: FieldResult] {
        Reconciler(template: template).check(boxes: [
            "suara_paslon_01": Self.field([[(.cross, 1.0)], [(.digit(1), 0.99)], [(.digit(1), 0.99)]]),
            "suara_paslon_02": Self.field([[(.digit(1), 0.99)], [(.digit(2), 0.99)], [(.digit(4), 0.99)]]),
            "suara_sah": Self.field([[(.digit(1), 0.99)], [(.digit(3), 0.99)], [(.digit(6), 0.6), (.digit(5), 0.38)]]),
            "suara_tidak_sah": Self.field([[(.cross, 1.0)], [(.cross, 1.0)], [(.digit(1), 0.99)]]),
            "suara_total": Self.field([[(.digit(1), 0.99)], [(.digit(3), 0.99)], totalUnits]),
        ]).fields
    }

    /// A number corrected to fit a sum whose other numbers were read as written is still
    /// corrected, and its partners are still verified: the other rule the corrected number is in
    /// fixes the same value from numbers that stand on their own (11 + 124 = 136 - 1).
    @Test func aCorrectionBothOfItsRulesDemandLetsItsPartnersStand() {
        let f = sahMisread(totalUnits: [(.digit(6), 0.99)])
        #expect(f["suara_sah"]?.value == 135)
        #expect(f["suara_sah"]?.status == .corrected, "\(f["suara_sah"]?.reasons ?? [])")
        for id in ["suara_paslon_01", "suara_paslon_02", "suara_tidak_sah", "suara_total"] {
            #expect(f[id]?.status == .verified, "\(id): \(f[id]?.reasons ?? [])")
        }
    }

    /// The same page with the total misread too (138, its units split 55/40): 135 is fixed by
    /// V.A from numbers read as written, so V.C may correct the total to 136; but V.C then
    /// holds through that changed total, so it backs nothing else, and the invalid votes it
    /// alone covers go to a person.
    @Test func aRuleHoldingThroughAChangedTotalBacksNothingElse() {
        let f = sahMisread(totalUnits: [(.digit(8), 0.55), (.digit(6), 0.40)])
        #expect(f["suara_sah"]?.value == 135)
        #expect(f["suara_total"]?.value == 136)
        #expect(f["suara_tidak_sah"]?.status == .review, "\(f["suara_tidak_sah"]?.reasons ?? [])")
        #expect(f["suara_total"]?.status == .corrected, "\(f["suara_total"]?.reasons ?? [])")
        #expect(f["suara_tidak_sah"]?.reasons.contains { $0.contains("suara_total 138 → 136") } == true)
    }
}
