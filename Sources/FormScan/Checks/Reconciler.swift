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
    /// Box candidates below this probability are not considered…
    var candidateFloor = 0.02
    /// …nor those below this fraction of the box's best candidate: the rules may pick a lower
    /// reading the readers still give some weight, never one they all but ruled out (a form
    /// written wrongly can often be made to add up with some unlikely digit). Measured on 250
    /// generated stations each with one digit written wrongly (`make_pages.py --errors 1`):
    /// 0.05 flags all 250; 0.001 (with four readings a box) "corrected" 5 of them into agreement.
    var relativeFloor = 0.05
    /// At most this many readings of a box enter the search (its best and the next two).
    var candidatesPerBox = 3
    /// At most this many values per field enter the search.
    var valuesPerField = 12
    /// A second consistent assignment at least this fraction as probable as the best is "too close to call".
    var closeCall = 1.0 / 3.0
    /// A box whose best candidate is below this is "unsure": a number with such a box is
    /// never verified by the rules alone…
    var unsureProbability = 0.5
    /// …nor one whose two best candidates together are below this: the readers do not know
    /// what it is, and the symbol written may be none of those listed (a generated page passed
    /// an 8 read "1 57%, X 28%" as verified, the sums holding because 28 was written where 21
    /// was due). Split between two readings, the rules may choose (a 4 read "9 55%, 4 45%").
    var unsureTopTwo = 0.9
    /// A number kept as first read (not corrected) is not unsure for the top-two condition when
    /// each such box's best reading is at least this: the rules confirm the readers' own first
    /// choice, and only a form written wrongly that a misread happens to repair could fool
    /// them, which is less likely than with a box split 50/45 that the condition lets through.
    /// Measured on 1,500 generated pages (gen500, tune500, err500: 354 stations with a
    /// deliberate error): 0.6 lets 101 right numbers through and no wrong one; the one wrong
    /// number the condition catches on them was read "2 51%, 3 31%" (332 written, 232 due).
    var unsureKeptTop = 0.6
    /// A box read at least this surely, by readers that agree, lets a copy rule confirm.
    /// (0.98 until session 11; at 0.9 a misread on both sides of a copy, or a form error that a
    /// misread repairs, is less likely than for a sum confirmed with a box read 60%, which the
    /// unsure rules accept. gen500 review −10, no wrong number let through on 1,500 pages.)
    var sureProbability = 0.9

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
            let floor = max(candidateFloor, relativeFloor * b.candidates[0].probability)
            return Array(b.candidates.filter { $0.probability >= floor }.prefix(candidatesPerBox))
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

    /// Search steps allowed for one search; past it the result is marked inexact.
    var nodeLimit = 50_000

    /// A hard rule compiled to integers: Σ coefficient·field + constant (relation) 0.
    struct LinearRule {
        var terms: [(field: Int, coefficient: Int)]
        var constant: Int
        var relation: Rule.Relation

        init?(_ rule: Rule, index: [String: Int]) {
            var terms: [Int: Int] = [:]
            var constant = 0
            for (side, sign) in [(rule.left, 1), (rule.right, -1)] {
                for (s, t) in side.terms {
                    switch t {
                    case .constant(let c): constant += sign * s * c
                    case .field(let f):
                        guard let i = index[f] else { return nil }
                        terms[i, default: 0] += sign * s
                    case .ceilPercent: return nil
                    }
                }
            }
            self.terms = terms.filter { $0.value != 0 }.map { ($0.key, $0.value) }
            self.constant = constant
            self.relation = rule.relation
        }

        func holds(_ v: Int) -> Bool {
            switch relation {
            case .equal: return v == 0
            case .lessOrEqual: return v <= 0
            case .greaterOrEqual: return v >= 0
            case .less: return v < 0
            case .greater: return v > 0
            }
        }
    }

    /// Best and second-best assignments satisfying every hard rule whose fields all have options;
    /// `exact` is false when the search hit its step limit.
    ///
    /// `free` fields (each with its largest value) have no readings: a number set aside as
    /// misread still has some true value, so the rules it is in must agree on one (an equality
    /// rule with every other number fixed gives it; 0 to the largest value; it adds nothing to
    /// the probability). Two rules implying different values for it mean it is not the only
    /// misread number. Free fields are left out of the assignments returned.
    func search(_ options: [String: FieldOptions], free: [String: Int] = [:], limit: Int? = nil) -> (best: Assignment?, second: Assignment?, exact: Bool) {
        let limit = limit ?? nodeLimit
        let names = Set(options.keys).union(free.keys).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let n = names.count
        let rules = template.rules.filter { !$0.soft }.compactMap { LinearRule($0, index: index) }
        let largest: [Int?] = names.map { options[$0] == nil ? free[$0] : nil }
        let values = names.map { options[$0]?.values ?? [] }
        let best1 = names.indices.map { largest[$0] != nil ? 0 : values[$0].first?.logp ?? -1e9 }
        var rulesOf = [[Int]](repeating: [], count: n)
        for (ri, r) in rules.enumerated() { for t in r.terms { rulesOf[t.field].append(ri) } }
        // Static order: most constrained fields first.
        let order: [Int] = (0..<n).filter { largest[$0] == nil }.sorted { (a: Int, b: Int) -> Bool in
            let ca = rulesOf[a].count, cb = rulesOf[b].count
            return ca != cb ? ca > cb : a < b
        }
        var assigned = [Int?](repeating: nil, count: n)
        var open = rules.map { $0.terms.count }
        var partial = rules.map { $0.constant }
        var remainingBest = best1.reduce(0, +)
        var best: Assignment?, second: Assignment?
        var nodes = 0

        func assign(_ f: Int, _ v: Int) -> Bool {
            assigned[f] = v
            var ok = true
            for ri in rulesOf[f] {
                let coef = rules[ri].terms.first { $0.field == f }!.coefficient
                partial[ri] += coef * v
                open[ri] -= 1
                if open[ri] == 0 && !rules[ri].holds(partial[ri]) { ok = false }
            }
            return ok
        }
        func unassign(_ f: Int) {
            let v = assigned[f]!
            for ri in rulesOf[f] {
                let coef = rules[ri].terms.first { $0.field == f }!.coefficient
                partial[ri] -= coef * v
                open[ri] += 1
            }
            assigned[f] = nil
        }
        func record(_ logp: Double) {
            var map: [String: Int] = [:]
            for i in 0..<n where largest[i] == nil { map[names[i]] = assigned[i]! }
            let a = Assignment(values: map, logp: logp)
            if best == nil || logp > best!.logp { second = best; best = a }
            else if second == nil || logp > second!.logp { second = a }
        }
        func dfs(_ logp: Double) {
            nodes += 1
            if nodes > limit { return }
            if let s = second, logp + remainingBest <= s.logp { return }
            // An equality rule with one open field fixes it.
            var pick = -1
            var forced: Int? = nil
            for (ri, r) in rules.enumerated() where r.relation == .equal && open[ri] == 1 {
                let t = r.terms.first { assigned[$0.field] == nil }!
                guard abs(t.coefficient) == 1 else { continue }
                pick = t.field
                forced = -partial[ri] * t.coefficient
                break
            }
            if pick < 0 {
                // Every read number placed: the free ones no rule fixes may take any value.
                guard let next = order.first(where: { assigned[$0] == nil }) else { record(logp); return }
                pick = next
            }
            let choices: [(value: Int, logp: Double)]
            if let forced, let top = largest[pick] {
                guard forced >= 0, forced <= top else { return }
                choices = [(forced, 0)]
            } else if let forced {
                guard forced >= 0, let c = values[pick].first(where: { $0.value == forced }) else { return }
                choices = [c]
            } else {
                choices = values[pick]
            }
            remainingBest -= best1[pick]
            for (v, lp) in choices {
                if assign(pick, v) { dfs(logp + lp) }
                unassign(pick)
                if nodes > limit { break }
            }
            remainingBest += best1[pick]
        }
        dfs(0)
        return (best, second, nodes <= limit)
    }

    /// - Returns: the fields and rules, and whether the outcome weighed every box's probability:
    ///   true when no single number could be set aside and pairs were looked for among the
    ///   least sure fields (elsewhere a box read surely, locked, only shifts every assignment's
    ///   probability by the same factor).
    func check(boxes: [String: [BoxResult]]) -> (fields: [String: FieldResult], rules: [RuleResult], weighedEveryBox: Bool) {
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
        var (best, second, exact) = search(options)
        var weighedEveryBox = false
        // No reading satisfies every rule: find the fewest fields (one, else two) whose removal
        // lets the rest agree; those go to review, the rest are settled by the rules that remain.
        var excluded: [String] = []
        var inDoubt: [String] = []
        if best == nil, !options.isEmpty {
            let confidence = options.keys.map { id -> (String, Double) in
                (id, (boxes[id] ?? []).map { $0.candidates.first?.probability ?? 0 }.min() ?? 0)
            }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.map(\.0)
            let bestLogp = options.mapValues { $0.values.first?.logp ?? 0 }
            var found: (Double, [String], Assignment, Assignment?)?
            var runnerUp = -Double.infinity
            var scores: [(score: Double, drop: [String])] = []
            func setAside(_ drop: [String]) -> (best: Assignment, second: Assignment?)? {
                var o = options
                for d in drop { o[d] = nil }
                let free = Dictionary(uniqueKeysWithValues: drop.map { ($0, Self.largestValue(boxes: boxes[$0]?.count ?? 3)) })
                let (b, s2, complete) = search(o, free: free, limit: 5_000)
                guard let b, complete else { return nil }
                return (b, s2)
            }
            func attempt(_ drop: [String]) {
                guard let (b, s2) = setAside(drop) else { return }
                let score = b.logp + drop.reduce(0) { $0 + bestLogp[$1]! }
                scores.append((score, drop))
                if found == nil || score > found!.0 {
                    runnerUp = max(runnerUp, found?.0 ?? -.infinity)
                    found = (score, drop, b, s2)
                } else {
                    runnerUp = max(runnerUp, score)
                }
            }
            for f in confidence { attempt([f]) }
            if found == nil {
                weighedEveryBox = true
                // Pairs among the numbers in a sum that fails as first read (two misreads in
                // different parts of the page: a 2 read `XXX` among the disability counts and 54
                // read 56 among the voters), least sure first, topped up to 10 with the least
                // sure of the rest; at most 16 (120 pairs).
                let first = options.compactMapValues { $0.firstReading }
                let failing = Set(template.rules.filter { !$0.soft && $0.relation == .equal && $0.evaluate({ first[$0] })?.holds == false }
                    .flatMap(\.fieldIDs))
                var unsure = confidence.filter { failing.contains($0) }
                unsure += confidence.filter { !failing.contains($0) }.prefix(max(0, 10 - unsure.count))
                unsure = Array(unsure.prefix(16))
                for i in unsure.indices { for j in unsure.indices where j > i { attempt([unsure[i], unsure[j]]) } }
            }
            // Only an unambiguous culprit: if another choice of fields to set aside is nearly as
            // good, nobody can tell which number is wrong, and every failing rule stays failed.
            if let found, exp(runnerUp - found.0) < closeCall {
                excluded = found.1
                best = found.2
                second = found.3
                exact = true
            } else if let found {
                // Nearly as good explanations: every one puts the misread numbers among theirs,
                // so the rest of the page is settled by the rules without them. A number in all
                // of them is misread whichever the others are (54 read 56, with the received,
                // spoiled or unused ballots, which only their one sum holds): set aside. The
                // others are in doubt and go to a person naming their rule.
                let near = scores.filter { exp($0.score - found.0) >= closeCall }.map { Set($0.drop) }
                let common = near.dropFirst().reduce(near[0]) { $0.intersection($1) }
                let doubt = near.reduce(Set<String>()) { $0.union($1) }.subtracting(common)
                if let (b, s2) = setAside(Array(common) + Array(doubt)) {
                    excluded = common.sorted()
                    inDoubt = doubt.sorted()
                    best = b
                    second = s2
                    exact = true
                }
            }
        }
        // Numbers whose value the rules could not settle (two readings too close to call, or a
        // change the search was cut short before making): they back nothing.
        var unsettled = Set<String>()
        var values: [String: Int?] = fields.mapValues(\.value)
        for id in excluded {
            fields[id]?.status = .review
            fields[id]?.setAside = true
            fields[id]?.reasons.append("no reading of this number agrees with the rest of the page")
            // Set aside: the rules it is in are not held against the numbers that agree.
            values[id] = .some(nil)
        }
        let read = fields.compactMapValues(\.value)
        let asRead: (String) -> Int? = { read[$0] }
        for id in inDoubt {
            // Named as the form prints them (IV.02), what a person finds on the sheet.
            let others = inDoubt.filter { $0 != id }.map { template.template.field($0)?.formCode ?? $0 }.joined(separator: " or ")
            let failing = template.rules.filter { !$0.soft && $0.fieldIDs.contains(id) && $0.evaluate(asRead)?.holds == false }
            fields[id]?.status = .review
            fields[id]?.reasons += failing.map { "rule \($0.label) fails: \($0.rendered(asRead)); this number or \(others) is misread" }
            values[id] = .some(nil)
        }
        if let best {
            for (id, v) in best.values {
                guard var f = fields[id] else { continue }
                let first = options[id]?.firstReading
                f.value = v
                if let first, first != v {
                    if exact {
                        f.status = .corrected
                        f.firstReading = first
                    } else {
                        // The search was cut short: never change a reading on an incomplete search.
                        f.value = first
                        f.status = .review
                        unsettled.insert(id)
                        f.reasons.append("the rules suggest \(v), but the search over readings was too large to be sure")
                    }
                }
                fields[id] = f
                values[id] = v
            }
            // Too close to call: a second assignment nearly as probable that changes some fields.
            if let second, exp(second.logp - best.logp) >= closeCall {
                for (id, v) in best.values where second.values[id] != v {
                    unsettled.insert(id)
                    fields[id]?.status = .review
                    fields[id]?.reasons.append("two readings satisfy the rules almost equally: \(v) or \(second.values[id].map(String.init) ?? "?")")
                }
            }
        }
        let rules = evaluate(values)
        for id in excluded {
            // What the other numbers imply, from the first equality rule that fixes it.
            for rule in template.rules where !rule.soft && rule.relation == .equal && rule.fieldIDs.contains(id) {
                guard let implied = Self.implied(id, by: rule, values: values) else { continue }
                fields[id]?.reasons.append("the other numbers imply \(implied) (\(rule.label))")
                break
            }
        }
        // Sure fields: read surely and unchanged by the rules.
        var sure: [String: Bool] = [:]
        for (id, f) in fields { sure[id] = f.status == .verified && isSure(f.boxes) }
        // Numbers that stand on their own: kept as first read (not changed by the rules, not
        // set aside, not in doubt, not one of two readings too close to call) with no unsure
        // box. Only such numbers may back another through a rule: a number changed to fit a
        // rule makes it hold by construction, so the rule then says nothing of its partners.
        var settled = Set<String>(), kept = Set<String>()
        for (id, f) in fields {
            guard let v = f.value, let first = options[id]?.firstReading,
                  !excluded.contains(id), !inDoubt.contains(id), !unsettled.contains(id) else { continue }
            settled.insert(id)
            if v == first { kept.insert(id) }
        }
        // A number in a rule that fails as the page now stands is under suspicion itself.
        // So is a number beyond a plausibility bound of the form (a soft inequality such as
        // `pemilih_dpt_j <= 300`: 704 voters at a station of at most 300 is a misread, the
        // Sirekap failure), and the numbers of that bound.
        // A number a person set is what the person says the station holds: beyond the bound or
        // not, it is not suspected for it (a special station confirmed by a person stands).
        let byPerson = Set(fields.filter { !$0.value.boxes.isEmpty && $0.value.boxes.allSatisfy { $0.source == "person" } }.map(\.key))
        let implausible = zip(template.rules, rules).filter { $0.0.soft && $0.0.relation != .equal && $0.1.outcome == .fail }
        let suspected = Set(zip(template.rules, rules).filter { !$0.0.soft && $0.1.outcome == .fail }.flatMap { $0.1.fields })
            .union(implausible.flatMap { $0.1.fields }.filter { !byPerson.contains($0) })
        let solid = Set(kept.filter { unsureBoxes(fields[$0]!.boxes, corrected: false).isEmpty && !suspected.contains($0) })
        let absent = Set(fields.filter { $0.value.value == 0 && Self.zeroByAbsence($0.value.boxes) }.map(\.key))
        let partners = Partners(rules: template.rules.filter { !$0.soft && $0.relation == .equal }, settled: settled, solid: solid,
                                values: values, isSure: { sure[$0] ?? false }, zeroByAbsence: { absent.contains($0) })
        func bridgeTermStands(_ g: String, _ f: String) -> Bool { partners.backed(g, avoiding: f) }
        // A number set aside still links the rules it is in: when two of them imply the same
        // value for it, the numbers of both rules agree with each other without it (as one rule
        // of their terms), and that confirms them like any sum.
        var bridged: [String: Int] = [:]  // field -> non-zero terms of a bridge confirming it (or terms, for zero)
        for id in excluded {
            let linking = template.rules.filter { !$0.soft && $0.relation == .equal && $0.fieldIDs.contains(id) }
            for i in linking.indices { for j in linking.indices where j > i {
                guard let a = Self.implied(id, by: linking[i], values: values),
                      let b = Self.implied(id, by: linking[j], values: values), a == b else { continue }
                let terms = Set(linking[i].fieldIDs + linking[j].fieldIDs).subtracting([id])
                // A number of another page put in as a constant (a station rule) is a term too.
                let constants = [linking[i], linking[j]].filter { Self.hasConstant($0) }.count
                let nonZero = terms.filter { (values[$0] ?? nil).map { $0 != 0 } ?? false }.count + constants
                for f in terms {
                    // A bridge through a number changed to fit is no confirmation either.
                    guard terms.allSatisfy({ $0 == f || bridgeTermStands($0, f) }) else { continue }
                    let mine = (values[f] ?? nil) ?? 0
                    let strength = mine == 0 ? terms.count + constants : nonZero
                    bridged[f] = max(bridged[f] ?? 0, strength)
                }
            } }
        }
        for id in fields.keys {
            guard var f = fields[id] else { continue }
            let covering = zip(template.rules, rules).filter { !$0.0.soft && $0.1.fields.contains(id) }
            let failed = covering.filter { $0.1.outcome == .fail }
            if !failed.isEmpty {
                f.status = max(f.status, .review)
                f.reasons += failed.map { "rule \($0.1.label) fails: \($0.1.numbers)" }
            }
            for bound in implausible where bound.1.fields.contains(id) && !byPerson.contains(id) && f.status <= .corrected {
                f.status = .review
                f.reasons.append("\(Self.beyondBound)(\(bound.1.label): \(bound.1.numbers)): a misread or a special station, a person should confirm it")
            }
            if f.status == .corrected {
                let demanding = covering.filter { $0.1.outcome == .pass && $0.0.relation == .equal }.map { $0.1.label }
                f.reasons.append("first read as \(f.firstReading.map(String.init) ?? "?"); changed because \(demanding.isEmpty ? "the rules" : demanding.joined(separator: ", ")) demand \(f.value.map(String.init) ?? "?")")
            }
            guard f.status == .verified || f.status == .corrected else { fields[id] = f; continue }
            let good = f.status
            // A box the readers are unsure of lets the rules do the reading: on a form written
            // wrongly, a misread that happens to fit the sums would pass as verified (seen on a
            // generated page: an 8 read "1 (37%)", later "1 (57%)", made 98 + 21 = 119 hold where
            // 28 was written).
            // A person confirms such a number.
            let unsure = unsureBoxes(f.boxes, corrected: good == .corrected)
            let holding = covering.map(\.0).filter { Self.confirms($0, field: id, values: values, isSure: { sure[$0] ?? false },
                                                                  zeroByAbsence: { absent.contains($0) }) }
            let confirming = holding.filter { partners.backed(rule: $0, field: id) }
            // One rule that fails shows that some number in it is misread, not which: the one
            // misread may be another number, read confidently (40% of the held-out real misreads
            // were), whose true reading the readers did not list at all. So a number the rules
            // changed on the word of one rule stays corrected only when no other number of that
            // rule could have been the misread one at the cost of one box, keeping every other
            // rule it is in; otherwise a person chooses (a DPR plano sheet once had 38 read 30 and
            // the unsure 20 "corrected" to 28 to fit). Two rules meeting at the number locate it.
            if good == .corrected, confirming.count == 1, (bridged[id] ?? 0) < 3, f.status <= .corrected,
               let rival = rival(of: id, under: confirming[0], values: values, first: options[id]?.firstReading, fields: fields, partners: partners) {
                f.status = .review
                f.reasons.append(Self.rivalExplains(confirming[0].label, field: rival.id, read: rival.read, needed: rival.needed))
            }
            if confirming.isEmpty && (bridged[id] ?? 0) < 3 {
                f.status = .review
                f.reasons.append(covering.isEmpty ? "no rule of the form covers this number"
                                 : absent.contains(id) ? Self.emptyUnits : Self.unconfirmed)
                // Say which rule held only through a number changed to fit (or itself in doubt).
                for rule in holding {
                    let leaners = rule.fieldIDs.filter { $0 != id && !partners.backed($0, avoiding: id) }
                    guard !leaners.isEmpty else { continue }
                    f.reasons.append(Self.leansOn(rule: rule.label, fields: leaners.map { g in
                        (g, fields[g]?.value, options[g]?.firstReading) }))
                }
            }
            if !unsure.isEmpty {
                f.status = .review
                for b in unsure {
                    let cands = b.candidates.prefix(3).map { "\($0.symbol == .blank ? "blank" : $0.symbol.description) \(Int(($0.probability * 100).rounded()))%" }
                    f.reasons.append("box \(b.position + 1) is unsure (\(cands.joined(separator: ", "))): the rules would accept \(f.value.map(String.init) ?? "?"), a person should confirm it")
                }
            }
            fields[id] = f
        }
        Self.promoteCopies(&fields, rules: template.rules)
        // The page lists every rule that fails as written, the numbers set aside or in doubt
        // included (for the fields above they were not held against the others).
        let suspects = Set(excluded + inDoubt)
        let reported = zip(template.rules, rules).map { rule, result -> RuleResult in
            guard result.outcome == .unknown, !suspects.isDisjoint(with: rule.fieldIDs),
                  rule.evaluate(asRead)?.holds == false else { return result }
            var failed = result
            failed.outcome = .fail
            failed.numbers = rule.rendered(asRead)
            return failed
        }
        return (fields, reported, weighedEveryBox)
    }

    /// The boxes of a number whose readers are unsure of them: the best reading under
    /// `unsureProbability`, or the two best together under `unsureTopTwo` where the number was
    /// corrected or its best reading is under `unsureKeptTop`.
    func unsureBoxes(_ boxes: [BoxResult], corrected: Bool) -> [BoxResult] {
        boxes.filter {
            let p = $0.candidates.prefix(2).map(\.probability)
            let top = p.first ?? 0
            return top < unsureProbability || (p.reduce(0, +) < unsureTopTwo && (corrected || top < unsureKeptTop))
        }
    }

    /// Which numbers may back another through a rule. A rule that holds confirms a number only
    /// when every other number in it is confirmed on its own terms: solid (kept as first read,
    /// no unsure box, in no failing rule), or pinned by another rule that does not contain the
    /// number being confirmed and whose other numbers are solid. A number the rules changed to
    /// fit a rule is not solid: that rule holds by construction and says nothing of its
    /// partners; only another rule that fixes the same value from solid numbers (a bridge:
    /// 11 + 124 = 136 - 1 through a 136 corrected to 135) lets it back them. Numbers set aside,
    /// in doubt or too close to call back nothing.
    struct Partners {
        var rules: [Rule]
        /// Numbers with a value the rules settled on (kept or changed), not in doubt.
        var settled: Set<String>
        var solid: Set<String>
        var values: [String: Int?]
        var isSure: (String) -> Bool
        var zeroByAbsence: (String) -> Bool = { _ in false }

        /// Whether `g` stands without leaning on `field`.
        func backed(_ g: String, avoiding field: String) -> Bool {
            if solid.contains(g) { return true }
            guard settled.contains(g) else { return false }
            return rules.contains { r in
                r.fieldIDs.contains(g) && !r.fieldIDs.contains(field) &&
                    Reconciler.confirms(r, field: g, values: values, isSure: isSure, zeroByAbsence: zeroByAbsence) &&
                    r.fieldIDs.allSatisfy { $0 == g || solid.contains($0) }
            }
        }

        /// Whether every other number of `rule` stands without leaning on `field`.
        func backed(rule: Rule, field: String) -> Bool {
            rule.fieldIDs.allSatisfy { $0 == field || backed($0, avoiding: field) }
        }
    }

    /// Why a rule that holds does not confirm a number: it holds only through numbers the rules
    /// changed to fit (or that are in doubt themselves).
    static func leansOn(rule: String, fields: [(id: String, value: Int?, first: Int?)]) -> String {
        let named = fields.map { f -> String in
            if let v = f.value, let first = f.first, v != first { return "\(f.id) \(first) → \(v)" }
            return f.id
        }
        return "rule \(rule)\(leaning)(\(named.joined(separator: ", "))): it confirms nothing"
    }

    /// What `leansOn` says between the rule and the numbers it names.
    static let leaning = " holds only through numbers changed to fit or in doubt "


    /// How the reason for a number beyond a failing soft bound begins.
    static let beyondBound = "beyond what the form allows at an ordinary station "

    /// Another explanation of a failing rule than the correction of `id`: a number `g` of the
    /// rule, kept as read, that one box read otherwise would make the rule hold with `id` as
    /// first read, while every other rule `g` is in that holds now, and whose other numbers stand
    /// without `g` (a rule holding through a number changed to fit is no evidence against it),
    /// still holds.
    func rival(of id: String, under rule: Rule, values: [String: Int?], first: Int?,
               fields: [String: FieldResult], partners: Partners) -> (id: String, read: Int, needed: Int)? {
        guard let first else { return nil }
        var asRead = values
        asRead[id] = first
        let holding = partners.rules.filter { $0 != rule && $0.evaluate({ values[$0] ?? nil })?.holds == true }
        for g in rule.fieldIDs where g != id {
            guard let read = values[g] ?? nil, let needed = Self.implied(g, by: rule, values: asRead), needed != read,
                  let boxes = fields[g]?.boxes.count, Self.boxChanges(from: read, to: needed, boxes: boxes) == 1 else { continue }
            var trial = asRead
            trial[g] = needed
            let against = holding.filter { $0.fieldIDs.contains(g) && partners.backed(rule: $0, field: g) }
            guard against.allSatisfy({ $0.evaluate({ trial[$0] ?? nil })?.holds != false }) else { continue }
            return (g, read, needed)
        }
        return nil
    }

    /// How many of `boxes` digit boxes differ between `a` and `b` written right-aligned (the
    /// leading boxes of a short number, crossed out or blank, count as alike); nil when either
    /// does not fit.
    static func boxChanges(from a: Int, to b: Int, boxes: Int) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let x = Array(String(a)), y = Array(String(b))
        guard x.count <= boxes, y.count <= boxes else { return nil }
        let px = Array(repeating: Character(" "), count: boxes - x.count) + x
        let py = Array(repeating: Character(" "), count: boxes - y.count) + y
        return zip(px, py).filter { $0 != $1 }.count
    }

    /// Why a corrected number goes to a person: the one rule that demands its value would hold
    /// as well with another of its numbers read otherwise in one box.
    static func rivalExplains(_ rule: String, field: String, read: Int, needed: Int) -> String {
        "rule \(rule) would hold as well with \(field) \(needed) instead of \(read) (one box read otherwise): one rule shows that a number is misread, not which one"
    }

    /// Whether a number's reasons say only that no sum confirms it (a copy may still do so).
    static func onlyUnconfirmed(_ reasons: [String]) -> Bool {
        reasons.first == unconfirmed && reasons.dropFirst().allSatisfy { $0.hasPrefix("rule ") && $0.contains(leaning) }
    }

    /// A copy of a number that stands on its own: the form asks for some numbers twice
    /// (V.C = V.A + 0, III.4 = I.B.4 J). A copy cannot confirm two numbers that are each only
    /// the other's copy (both could be misread alike), but once every other non-zero number of
    /// a copy rule that holds is confirmed (by a sum, a sure copy, or so), a reading equal to
    /// it is confirmed too: a misread would have to land on exactly that value, the same chance
    /// as a misread fitting a sum. Repeated until nothing changes. Only numbers kept as first
    /// read and in review for want of a confirming sum alone are promoted, back to verified.
    static func promoteCopies(_ fields: inout [String: FieldResult], rules: [Rule]) {
        let known = fields.compactMapValues { $0.setAside == true ? nil : $0.value }
        var promoted = true
        while promoted {
            promoted = false
            let status = fields.mapValues(\.status)
            for (id, f) in fields where f.status == .review && onlyUnconfirmed(f.reasons) &&
                rules.contains(where: { copyBacks($0, field: id, value: { known[$0] }, status: { status[$0] }) }) {
                fields[id]?.status = .verified
                fields[id]?.reasons = []
                promoted = true
            }
        }
    }

    /// Whether `rule` is a copy that holds and backs `field`: every other non-zero number in it
    /// (there is at least one) is verified, and so is every zero in it (a 5 misread as 0 would
    /// let a misread copy pass). A corrected number backs nothing: it was changed to fit a
    /// rule, maybe this one.
    static func copyBacks(_ rule: Rule, field: String, value: (String) -> Int?, status: (String) -> FieldStatus?) -> Bool {
        guard !rule.soft, rule.relation == .equal, rule.fieldIDs.contains(field),
              rule.evaluate(value)?.holds == true else { return false }
        let others = rule.fieldIDs.filter { $0 != field }
        let nonZero = others.filter { (value($0) ?? 0) != 0 }
        return !nonZero.isEmpty && others.allSatisfy { status($0) == .verified }
    }

    /// Why a zero read from an empty units box, in rules of zeros only, is sent to a person.
    static let emptyUnits = "read as 0 from an empty units box, and only zeros are in its sums: a faint digit lost from it would be lost from its copies too"

    /// Why a number that only copies go through is sent to a person.
    static let unconfirmed = "no sum of the form confirms this number on its own (a copy such as 9 = 9 + 0 + 0 counts only when both readers are sure of every box, or the number it copies is confirmed by a sum)"

    /// Whether a holding equality rule is real evidence for `field`. A copy (`a = b`, or a sum
    /// whose other terms are all zero, `9 = 9 + 0 + 0`) can hold with both sides misread the
    /// same way, so a non-zero field needs at least three non-zero terms. A zero needs a rule of
    /// at least three terms: `0 = 75 - 75` pins it, since a 5 read as X would break the sum.
    ///
    /// A copy still confirms when every box of every non-zero field in it was read surely: both
    /// readers agree and the combined reading is at least `sureProbability` (double reading of
    /// a number the form asks to be written twice).
    ///
    /// A rule whose every term is zero (`0 = 0 + 0`) pins its zeros only where they were
    /// written: a zero read from a blank units box (`X X _`) is an absence of ink, and the faint
    /// digit a threshold erased from one box is as likely erased from its copy (a binarised scan
    /// read 1 = 1 + 0 as 0 = 0 + 0, both emitted as verified). `zeroByAbsence` names such zeros.
    static func confirms(_ rule: Rule, field: String, values: [String: Int?], isSure: (String) -> Bool = { _ in false },
                         zeroByAbsence: (String) -> Bool = { _ in false }) -> Bool {
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
        if mine == 0 ? terms.count >= 3 && (nonZero > 0 || !rule.fieldIDs.contains(where: zeroByAbsence)) : nonZero >= 3 { return true }
        let nonZeroFields = rule.fieldIDs.filter { (lookup($0) ?? 0) != 0 }
        return nonZeroFields.count >= 2 && nonZeroFields.allSatisfy(isSure)
    }

    /// Whether a rule has a non-zero constant term.
    static func hasConstant(_ rule: Rule) -> Bool {
        (rule.left.terms + rule.right.terms).contains { if case .constant(let c) = $0.1 { return c != 0 }; return false }
    }

    /// The largest number `boxes` boxes hold (999 for three).
    static func largestValue(boxes: Int) -> Int {
        Int(pow(10, Double(min(max(boxes, 1), 9)))) - 1
    }

    /// The value of `field` that makes an equality rule hold given the other numbers, when the
    /// rule fixes it (coefficient ±1, every other number known, result ≥ 0).
    static func implied(_ field: String, by rule: Rule, values: [String: Int?]) -> Int? {
        var assigned = values.compactMapValues { $0 }
        assigned[field] = 0
        guard let e0 = rule.evaluate({ assigned[$0] }) else { return nil }
        assigned[field] = 1
        guard let e1 = rule.evaluate({ assigned[$0] }) else { return nil }
        let slope = (e1.left - e1.right) - (e0.left - e0.right)
        guard slope == 1 || slope == -1 else { return nil }
        let v = -(e0.left - e0.right) / slope
        return v >= 0 ? v : nil
    }

    /// A number read as zero with its units box blank (`X X _`, `_ _ _` aside): nothing was
    /// read in the box that holds a zero's digit.
    static func zeroByAbsence(_ boxes: [BoxResult]) -> Bool {
        guard let units = boxes.last?.candidates.first?.symbol, units == .blank else { return false }
        return boxes.contains { $0.candidates.first?.symbol != .blank }
    }

    /// Every box read surely: both readers agree with the combined symbol, which is at least
    /// `sureProbability`. A box counts as read twice when two readers read it, when ink alone
    /// says it is blank, or when a person entered it; one reader's answer is not double entry.
    func isSure(_ boxes: [BoxResult]) -> Bool {
        !boxes.isEmpty && boxes.allSatisfy { b in
            guard let top = b.candidates.first, top.probability >= sureProbability else { return false }
            guard b.readers.count >= 2 || top.symbol == .blank || b.source == "person" else { return false }
            // Readers that disagree must not be sure of their own different answer.
            return b.readers.allSatisfy { $0.symbol == top.symbol || $0.probability < 0.9 }
        }
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
