import DigitReader

/// Decides each field's value and status from its box readings and the page's rules.
struct PageChecker {
    var template: LoadedTemplate
    /// Below this probability a box reading is "unsure".
    var confidentProbability = 0.5

    func check(boxes: [String: [BoxResult]]) -> (fields: [String: FieldResult], rules: [RuleResult]) {
        var fields: [String: FieldResult] = [:]
        for f in template.template.fields {
            let bs = boxes[f.id] ?? []
            var reasons: [String] = []
            var status = FieldStatus.verified
            var value: Int?
            if bs.contains(where: { $0.symbol == nil }) {
                status = .missing
                if bs.contains(where: { $0.source == "outside-image" }) {
                    reasons.append("a box is partly outside the image: retake or rescan the whole page")
                } else {
                    reasons.append("a box could not be read")
                }
            } else {
                switch FieldAssembly.assemble(bs.compactMap(\.symbol)) {
                case .value(let v): value = v
                case .empty: status = .missing; reasons.append("all boxes are empty")
                case .malformed(let why): status = .review; reasons.append(why)
                }
                for b in bs where (b.candidates.first?.probability ?? 0) < confidentProbability {
                    status = max(status, .review)
                    reasons.append("box \(b.position + 1) read as '\(b.symbol?.description ?? "?")' with low confidence (\(Int(((b.candidates.first?.probability ?? 0) * 100).rounded()))%)")
                }
            }
            fields[f.id] = FieldResult(id: f.id, label: f.label, value: value, status: status, reasons: reasons,
                                       firstReading: nil, boxes: bs)
        }
        let values = fields.mapValues(\.value)
        let rules = evaluate(values)
        for id in fields.keys {
            guard var f = fields[id] else { continue }
            let covering = zip(template.rules, rules).filter { !$0.0.soft && $0.1.fields.contains(id) }
            let failed = covering.filter { $0.1.outcome == .fail }
            if !failed.isEmpty {
                f.status = max(f.status, .review)
                f.reasons += failed.map { "rule \($0.1.label) fails: \($0.1.numbers)" }
            } else if f.status == .verified && !covering.contains(where: { Self.confirms($0.0, field: id, values: values) }) {
                f.status = .review
                f.reasons.append(covering.isEmpty ? "no rule of the form covers this number"
                                                  : "no sum of the form confirms this number on its own (copies and sums of zeros do not count)")
            }
            fields[id] = f
        }
        return (fields, rules)
    }

    /// Whether a holding equality rule is real evidence for `field`: a copy (`a = b`, or a sum
    /// whose other terms are all zero) can hold with both sides misread the same way, so it
    /// needs at least three non-zero terms, or, for a zero, at least three terms all zero.
    static func confirms(_ rule: Rule, field: String, values: [String: Int?]) -> Bool {
        guard rule.relation == .equal else { return false }
        let lookup: (String) -> Int? = { values[$0] ?? nil }
        guard let e = rule.evaluate(lookup), e.holds else { return false }
        let terms = rule.left.terms + rule.right.terms
        var nonZero = 0
        for (_, t) in terms {
            switch t {
            case .constant(let c): if c != 0 { nonZero += 1 }
            case .field(let f), .ceilPercent(_, let f): if (lookup(f) ?? 0) != 0 { nonZero += 1 }
            }
        }
        let mine = lookup(field) ?? 0
        return mine == 0 ? (nonZero == 0 && terms.count >= 3) : nonZero >= 3
    }

    func evaluate(_ values: [String: Int?]) -> [RuleResult] {
        template.rules.map { rule in
            let lookup: (String) -> Int? = { values[$0] ?? nil }
            let outcome: RuleResult.Outcome
            if let e = rule.evaluate(lookup) { outcome = e.holds ? .pass : .fail } else { outcome = .unknown }
            return RuleResult(rule: rule.text, label: rule.label, soft: rule.soft, outcome: outcome,
                              numbers: rule.rendered(lookup), fields: rule.fieldIDs)
        }
    }
}
