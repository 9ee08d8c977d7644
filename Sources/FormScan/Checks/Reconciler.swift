import DigitReader
import Foundation

/// Chooses each field's value from its boxes' ranked candidates so that every hard rule of the
/// page holds, and gives each field a status with its reasons.
///
/// The search is exact: a depth-first branch-and-bound over the fields' candidate values, most
/// probable first, where an equality rule with one field left fixes that field's value, and a
/// branch is cut when even the best values of the remaining fields cannot beat the second-best
/// complete assignment found so far. It returns the best and second-best consistent assignments.
struct Reconciler {
    var template: LoadedTemplate
    /// A box whose best candidate is at least this sure is never changed by the rules.
    var lockProbability = 0.97
    /// Box candidates below this probability are not considered.
    var candidateFloor = 0.01
    /// At most this many values per field enter the search.
    var valuesPerField = 12
    /// A second consistent assignment at least this fraction as probable as the best is "too close to call".
    var closeCall = 1.0 / 3.0
    /// A box whose best candidate is below this is "unsure".
    var unsureProbability = 0.5

    struct FieldOptions {
        /// Candidate values, most probable first, with log-probabilities.
        var values: [(value: Int, logp: Double)]
        /// The value the best box readings give (nil: malformed, empty or unread).
        var firstReading: Int?
    }

    /// Candidate values of one field from its boxes.
    func options(_ boxes: [BoxResult]) -> FieldOptions? {
        guard boxes.allSatisfy({ !$0.candidates.isEmpty }) else { return nil }
        let tops = boxes.map { $0.candidates[0].symbol }
        guard case .value(let first) = FieldAssembly.assemble(tops) else { return nil }
        let lists: [[Candidate]] = boxes.map { b in
            if b.candidates[0].probability >= lockProbability { return [b.candidates[0]] }
            return Array(b.candidates.filter { $0.probability >= candidateFloor }.prefix(4))
        }
        var byValue: [Int: Double] = [:]
        func walk(_ i: Int, _ symbols: [BoxSymbol], _ p: Double) {
            if i == lists.count {
                if case .value(let v) = FieldAssembly.assemble(symbols) { byValue[v, default: 0] += p }
                return
            }
            for c in lists[i] { walk(i + 1, symbols + [c.symbol], p * c.probability) }
        }
        walk(0, [], 1)
        let values = byValue.sorted { $0.value > $1.value }.prefix(valuesPerField).map { ($0.key, log(max($0.value, 1e-12))) }
        return FieldOptions(values: values, firstReading: first)
    }

    struct Assignment { var values: [String: Int]; var logp: Double }

    /// Best and second-best assignments satisfying every hard rule whose fields all have options.
    func search(_ options: [String: FieldOptions]) -> (best: Assignment?, second: Assignment?, rules: [Rule]) {
        let rules = template.rules.filter { r in !r.soft && r.fieldIDs.allSatisfy { options[$0] != nil } }
        let fields = options.keys.sorted { a, b in
            let ca = rules.filter { $0.fieldIDs.contains(a) }.count, cb = rules.filter { $0.fieldIDs.contains(b) }.count
            return ca != cb ? ca > cb : a < b
        }
        let rulesOf = Dictionary(uniqueKeysWithValues: fields.map { f in (f, rules.indices.filter { rules[$0].fieldIDs.contains(f) }) })
        let bestLogp = options.mapValues { $0.values.first?.logp ?? -1e9 }
        var assigned: [String: Int] = [:]
        var best: Assignment?, second: Assignment?
        var nodes = 0

        func ruleHolds(_ r: Rule) -> Bool? { r.evaluate { assigned[$0] }.map(\.holds) }

        /// For an equality rule with exactly one unassigned field appearing once with sign ±1, that field's value.
        func forcedValue(for f: String) -> Int?? {
            for ri in rulesOf[f] ?? [] {
                let r = rules[ri]
                guard r.relation == .equal, r.fieldIDs.allSatisfy({ $0 == f || assigned[$0] != nil }) else { continue }
                // Solve a linear equation in f: evaluate with f = 0 and f = 1.
                var tmp = assigned
                tmp[f] = 0
                guard let e0 = r.evaluate({ tmp[$0] }) else { continue }
                tmp[f] = 1
                guard let e1 = r.evaluate({ tmp[$0] }) else { continue }
                let d0 = e0.left - e0.right, slope = (e1.left - e1.right) - d0
                guard slope == 1 || slope == -1 else { continue }
                let v = -d0 / slope
                return .some(v >= 0 ? v : nil)
            }
            return .none
        }

        func record(_ logp: Double) {
            let a = Assignment(values: assigned, logp: logp)
            if best == nil || logp > best!.logp { second = best; best = a }
            else if second == nil || logp > second!.logp { second = a }
        }

        func dfs(_ logp: Double, _ remaining: [String]) {
            nodes += 1
            if nodes > 2_000_000 { return }
            if remaining.isEmpty { record(logp); return }
            let bound = logp + remaining.reduce(0) { $0 + bestLogp[$1]! }
            if let s = second, bound <= s.logp { return }
            // Prefer a field whose value a rule now fixes.
            var pick = remaining[0]
            var forced: Int?? = .none
            for f in remaining {
                let fv = forcedValue(for: f)
                if case .some = fv { pick = f; forced = fv; break }
            }
            let rest = remaining.filter { $0 != pick }
            let choices: [(Int, Double)]
            switch forced {
            case .some(.some(let v)):
                guard let c = options[pick]!.values.first(where: { $0.value == v }) else { return }
                choices = [c]
            case .some(.none): return
            case .none: choices = options[pick]!.values
            }
            for (v, lp) in choices {
                assigned[pick] = v
                let ok = (rulesOf[pick] ?? []).allSatisfy { ruleHolds(rules[$0]) ?? true }
                if ok { dfs(logp + lp, rest) }
                assigned[pick] = nil
            }
        }
        dfs(0, fields)
        return (best, second, rules)
    }

    func check(boxes: [String: [BoxResult]]) -> (fields: [String: FieldResult], rules: [RuleResult]) {
        var options: [String: FieldOptions] = [:]
        var fields: [String: FieldResult] = [:]
        for f in template.template.fields {
            let bs = boxes[f.id] ?? []
            var result = FieldResult(id: f.id, label: f.label, value: nil, status: .verified, reasons: [], firstReading: nil, boxes: bs)
            if bs.contains(where: { $0.symbol == nil }) {
                result.status = .missing
                result.reasons.append(bs.contains { $0.source == "outside-image" }
                                      ? "a box is partly outside the image: retake or rescan the whole page"
                                      : "a box could not be read")
            } else {
                switch FieldAssembly.assemble(bs.compactMap(\.symbol)) {
                case .empty:
                    result.status = .missing
                    result.reasons.append("all boxes are empty")
                case .malformed(let why):
                    result.status = .review
                    result.reasons.append(why)
                case .value(let v):
                    result.value = v
                    options[f.id] = self.options(bs)
                }
            }
            fields[f.id] = result
        }
        let (best, second, _) = search(options)
        var values: [String: Int?] = fields.mapValues(\.value)
        if let best {
            for (id, v) in best.values {
                guard var f = fields[id] else { continue }
                let first = options[id]?.firstReading
                f.value = v
                if let first, first != v {
                    f.status = .corrected
                    f.firstReading = first
                }
                fields[id] = f
                values[id] = v
            }
            // Too close to call: a second assignment nearly as probable that changes some fields.
            if let second, exp(second.logp - best.logp) >= closeCall {
                for (id, v) in best.values where second.values[id] != v {
                    fields[id]?.status = .review
                    fields[id]?.reasons.append("two readings satisfy the rules almost equally: \(v) or \(second.values[id].map(String.init) ?? "?")")
                }
            }
        }
        let rules = evaluate(values)
        for id in fields.keys {
            guard var f = fields[id] else { continue }
            let covering = zip(template.rules, rules).filter { !$0.0.soft && $0.1.fields.contains(id) }
            let failed = covering.filter { $0.1.outcome == .fail }
            if !failed.isEmpty {
                f.status = max(f.status, .review)
                f.reasons += failed.map { "rule \($0.1.label) fails: \($0.1.numbers)" }
            }
            if f.status == .corrected {
                let demanding = covering.filter { $0.1.outcome == .pass && $0.0.relation == .equal }.map { $0.1.label }
                f.reasons.append("first read as \(f.firstReading.map(String.init) ?? "?"); changed because \(demanding.isEmpty ? "the rules" : demanding.joined(separator: ", ")) demand \(f.value.map(String.init) ?? "?")")
            }
            if (f.status == .verified || f.status == .corrected) &&
                !covering.contains(where: { PageChecker.confirms($0.0, field: id, values: values) }) {
                f.status = .review
                f.reasons.append(covering.isEmpty ? "no rule of the form covers this number"
                                                  : "no sum of the form confirms this number on its own (copies and sums of zeros do not count)")
            }
            if f.status == .verified {
                for b in f.boxes where (b.candidates.first?.probability ?? 0) < unsureProbability {
                    f.reasons.append("box \(b.position + 1) was unsure (\(Int(((b.candidates.first?.probability ?? 0) * 100).rounded()))%) but the rules confirm it")
                }
            }
            fields[id] = f
        }
        return (fields, rules)
    }

    func evaluate(_ values: [String: Int?]) -> [RuleResult] {
        PageChecker(template: template).evaluate(values)
    }
}
