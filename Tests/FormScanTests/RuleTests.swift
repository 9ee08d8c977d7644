import Foundation
import Testing
import DigitReader
@testable import FormScan

@Suite("Rules and templates")
struct RuleTests {
    @Test func parsesSumsBoundsAndReserve() throws {
        let r = try RuleParser.parse("a = b + c - 2", label: nil, soft: false)
        #expect(r.fieldIDs == ["a", "b", "c"])
        #expect(r.evaluate { ["a": 10, "b": 7, "c": 5][$0] }?.holds == true)
        let reserve = try RuleParser.parse("d = p + ceil(2% * p)", label: nil, soft: true)
        #expect(reserve.evaluate { ["d": 192, "p": 188][$0] }?.holds == true)  // 188 -> 192
        #expect(reserve.evaluate { ["d": 166, "p": 162][$0] }?.holds == true)  // 162 -> 166
        #expect(reserve.evaluate { ["d": 165, "p": 162][$0] }?.holds == false)
        let bound = try RuleParser.parse("x <= 300", label: nil, soft: true)
        #expect(bound.evaluate { _ in 301 }?.holds == false)
        #expect(bound.rendered { _ in 12 } == "12 ≤ 300")
        #expect(r.evaluate { $0 == "a" ? nil : 1 } == nil)
    }

    @Test(arguments: ["a = ", "a == b", "a + = b", "a = b )", "ceil(2 * a) = b"])
    func rejectsMalformedRules(text: String) {
        #expect(throws: RuleParseError.self) { try RuleParser.parse(text, label: nil, soft: false) }
    }

    /// A shipped template with one piece of its text replaced, loaded from a scratch file named
    /// `name`: the load error's description, or nil when it loads.
    static func loadError(editing template: String, replacing old: String, with new: String, as name: String) throws -> String? {
        let good = try String(contentsOfFile: (TemplateStore.bundledDirectory as NSString).appendingPathComponent("\(template).json"), encoding: .utf8)
        let bad = good.replacingOccurrences(of: old, with: new)
        #expect(bad != good, "\(old) is not in \(template).json")
        let path = Fixtures.scratch("bad-template").appendingPathComponent(name).path
        try bad.write(toFile: path, atomically: true, encoding: .utf8)
        do { _ = try TemplateStore.load(file: path); return nil } catch { return error.description }
    }

    @Test func templateWithUnknownFieldInRuleIsRejectedNamingFileAndRule() throws {
        let text = try #require(try Self.loadError(editing: "c1-ppwp-2019-lembar2", replacing: "\"suara_total = suara_sah + suara_tidak_sah\"",
                                                   with: "\"suara_total = suara_sah + suara_batal\"", as: "broken.json"))
        #expect(text.contains("broken.json") && text.contains("suara_batal") && text.contains("suara_total = suara_sah + suara_batal"))
    }

    @Test func templateWithAMalformedPerspectiveLineIsRejectedNamingFile() throws {
        let text = try #require(try Self.loadError(editing: "c1-ppwp-2019-lembar1", replacing: "\"perspectiveLines\": {\n    \"horizontal\": [\n      [",
                                                   with: "\"perspectiveLines\": {\n    \"horizontal\": [\n      [1, ", as: "broken-lines.json"))
        #expect(text.contains("broken-lines.json"))
    }

    @Test func templateWithAnUnknownFillerIsRejectedAndTheDPRSheetsFillerLabelsItsLeadingBoxes() throws {
        let text = try #require(try Self.loadError(editing: "c1-plano-dpr-2019", replacing: "\"filler\": \"-\"", with: "\"filler\": \"=\"", as: "bad-filler.json"))
        #expect(text.contains("bad-filler.json") && text.contains("filler"))
        #expect(try Fixtures.store.template("c1-plano-dpr-2019").template.fillerSymbol == .dash)
        #expect(try Fixtures.store.template("c1-ppwp-2019-lembar2").template.fillerSymbol == .cross)
        // 16 on a DPR sheet is written "- 1 6": the leading box is a dash, and a zero's too.
        #expect(BoxExporter.label(truth: 16, position: 0, count: 3, filler: "-") == "-")
        #expect(BoxExporter.label(truth: 0, position: 1, count: 3, filler: "-") == "-")
        #expect(BoxExporter.label(truth: 16, position: 0, count: 3) == "X")
    }

    @Test("the truth of every sample page satisfies every hard rule of its template", arguments: Fixtures.kpuPages)
    func truthSatisfiesHardRules(page: String) throws {
        let truth = try Fixtures.truth(page)
        let template = try Fixtures.store.template(truth.template)
        #expect(Set(truth.fields.keys) == Set(template.template.fields.map(\.id)))
        for rule in template.rules where !rule.soft {
            let e = try #require(rule.evaluate { truth.fields[$0] })
            #expect(e.holds, "\(rule.text): \(rule.rendered { truth.fields[$0] })")
        }
    }

    @Test func fieldAssembly() {
        #expect(FieldAssembly.assemble([.cross, .digit(7), .digit(5)]) == .value(75))
        #expect(FieldAssembly.assemble([.cross, .cross, .cross]) == .value(0))
        #expect(FieldAssembly.assemble([.cross, .cross, .digit(0)]) == .value(0))
        #expect(FieldAssembly.assemble([.dash, .dash, .dash]) == .value(0))
        #expect(FieldAssembly.assemble([.blank, .digit(5), .digit(7)]) == .value(57))
        #expect(FieldAssembly.assemble([.blank, .blank, .blank]) == .empty)
        if case .malformed = FieldAssembly.assemble([.digit(2), .cross, .cross]) {} else { Issue.record("2XX must be malformed") }
        if case .malformed = FieldAssembly.assemble([.cross, .digit(2), .cross]) {} else { Issue.record("X2X must be malformed") }
    }
}
