import Batch
import DigitReader
import FormScan
import Foundation

/// A rule as the field screen shows it: its numbers and, when it fails, by how much.
struct RuleLine: Sendable {
    var label: String
    var numbers: String
    var outcome: RuleResult.Outcome
    var soft: Bool
    /// Left and right side's totals, when both could be computed.
    var left: Int?
    var right: Int?
    var relation: Rule.Relation?
    var leftText: String
    var rightIsSingle: Bool
}

/// Everything the screen for one field shows.
struct FieldScreen: Sendable {
    var station: ReviewModel.StationState
    var page: Station.Page
    var field: FieldResult
    var machineField: FieldResult?
    var templateField: Template.Field
    var template: LoadedTemplate
    var rules: [RuleLine]
    var answer: ReviewAnswer?
    /// Open fields of the station, in order, and this field's place among them (nil: not open).
    var open: [FieldRef]
    /// Double entry: where the field stands (nil without double entry, or when it is not open).
    var stage: EntryStage?
    /// The two differing entries, shown only at a third look (never to the second person).
    var disputed: [ReviewEntry]
    /// The recap's value for this field, when one was given.
    var recap: Int?
    /// The recap's value agrees with the number now standing (nil: no recap, or no number).
    var recapAgrees: Bool? { recap.flatMap { r in field.value.map { $0 == r } } }
    var pageAddsUp: Bool { page.result.rules.allSatisfy { $0.outcome != .fail || $0.soft } }
    var pageRulesKnown: Bool { page.result.rules.allSatisfy { $0.outcome != .unknown || $0.soft } }

    init?(station: ReviewModel.StationState, ref: FieldRef, store: TemplateStore, doubleEntry: Bool = false) {
        guard let pi = station.current.pages.firstIndex(where: { $0.imageID == ref.imageID }) else { return nil }
        let page = station.current.pages[pi]
        guard let field = page.result.fields[ref.field], let template = try? store.template(page.template),
              let tf = template.template.field(ref.field) else { return nil }
        self.station = station
        self.page = page
        self.field = field
        self.machineField = station.machine.indices.contains(pi) ? station.machine[pi].fields[ref.field] : nil
        self.templateField = tf
        self.template = template
        self.answer = station.answers[ref]
        self.open = station.open
        let isOpen = station.open.contains(ref)
        stage = doubleEntry && isOpen ? station.stage(ref) : nil
        disputed = stage == .thirdLook ? station.entries[ref] ?? [] : []
        recap = station.recap.flatMap { $0.values[ref.field] ?? $0.values["\(page.template).\(ref.field)"] }
        // Every rule the field is in: the page's, and the station's naming it from any page.
        let qualified = "\(page.template).\(ref.field)"
        var lines: [RuleLine] = []
        for (p, other) in station.current.pages.enumerated() {
            for r in other.result.rules {
                let mine = p == pi ? r.fields.contains(ref.field) : r.station == true && r.fields.contains(qualified)
                guard mine, !lines.contains(where: { $0.label == r.label && $0.numbers == r.numbers }) else { continue }
                lines.append(Self.line(r, on: p, station: station.current, store: store))
            }
        }
        rules = lines
    }

    /// The rule's two sides evaluated with the station's current numbers, a number set aside
    /// as the misread one included: the person sees by how much the rule misses with it (the
    /// outcome shown is still the checks' own).
    static func line(_ r: RuleResult, on pageIndex: Int, station: Station, store: TemplateStore) -> RuleLine {
        let page = station.pages[pageIndex]
        let template = try? store.template(page.template)
        let rule = (r.station == true ? template?.stationRules : template?.rules)?.first { $0.text == r.rule }
        func value(_ id: String) -> Int? {
            if let dot = id.lastIndex(of: ".") {
                let t = String(id[..<dot]), f = String(id[id.index(after: dot)...])
                return station.pages.first(where: { $0.template == t })?.result.fields[f]?.value
            }
            return page.result.fields[id]?.value
        }
        var line = RuleLine(label: r.label, numbers: r.numbers, outcome: r.outcome, soft: r.soft, left: nil, right: nil, relation: nil,
                            leftText: r.numbers, rightIsSingle: false)
        guard let rule else { return line }
        line.relation = rule.relation
        if let e = rule.evaluate(value) { line.left = e.left; line.right = e.right }
        line.leftText = side(rule.left, value)
        line.rightIsSingle = rule.right.terms.count == 1
        return line
    }

    /// A side of a rule with its numbers, a typographic minus for subtraction.
    static func side(_ s: Rule.Side, _ value: (String) -> Int?) -> String {
        s.rendered(value, minus: "−", unknownPercent: "?")
    }
}
