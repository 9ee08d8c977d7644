import Foundation

/// Pages of one polling station, and the rules that span them
/// (`suara_total` on Lembar 2 = `pengguna_total_j` on Lembar 1).
public enum StationChecker {
    /// The station a page belongs to, from its file name: the name without extension and
    /// without a trailing page marker (`-lembar1`, `_hal2`, ` halaman 3`, `-page1`).
    /// `aluebatee-01-lembar2.jpg` → `aluebatee-01`. Pages with the same key form one station.
    public static let defaultPagePattern = #"[-_ .]*(lembar|hal|halaman|page|p)[-_ ]?\d+$"#

    /// `pagePattern`: a regular expression matching the page marker at the end of a file name
    /// (without extension); what is left is the station.
    public static func stationKey(for path: String, pagePattern: String = defaultPagePattern) -> String {
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let dir = (path as NSString).deletingLastPathComponent
        let pattern = pagePattern
        let stripped = base.replacingOccurrences(of: pattern, with: "", options: [.regularExpression, .caseInsensitive])
        return (dir as NSString).appendingPathComponent(stripped.isEmpty ? base : stripped)
    }

    /// How a folder's images are grouped into stations.
    public enum Grouping: String, Sendable, CaseIterable {
        /// The file name without its page marker (`TPS07-lembar1.jpg`, `TPS07-lembar2.jpg`).
        case name
        /// Each folder is one station (`TPS07/IMG_0001.jpg`, `TPS07/IMG-20190417-WA0003.jpg`):
        /// which page an image is comes from the image itself (its identified template).
        case folder
    }

    /// The station of `path` under `grouping`: for `.folder` the folder holding it.
    public static func stationKey(for path: String, grouping: Grouping, pagePattern: String = defaultPagePattern) -> String {
        switch grouping {
        case .name: return stationKey(for: path, pagePattern: pagePattern)
        case .folder:
            let dir = (path as NSString).deletingLastPathComponent
            return dir.isEmpty ? "." : dir
        }
    }

    /// Groups results by station key, keeping input order inside each group.
    public static func group(_ paths: [String], pagePattern: String = defaultPagePattern) -> [String: [String]] {
        Dictionary(grouping: paths, by: { stationKey(for: $0, pagePattern: pagePattern) })
    }

    /// Evaluates every station rule of the pages' templates; a failed rule sends the fields it
    /// names, on every page involved, to review. Results are appended to each page's rules.
    /// A number set aside on its page as the misread one is not held against the others.
    public static func apply(to pages: inout [PageResult], store: TemplateStore) {
        reconcileAcrossPages(&pages, store: store)
        let byTemplate = Dictionary(pages.indices.map { (pages[$0].template, $0) }, uniquingKeysWith: { a, _ in a })
        for i in pages.indices {
            guard let template = try? store.template(pages[i].template) else { continue }
            for rule in template.stationRules {
                // Resolve "template.field" to another page of the station, plain ids to this page.
                func locate(_ id: String) -> (page: Int, field: String)? {
                    Self.locate(id, from: i, byTemplate: byTemplate)
                }
                let lookup: (String) -> Int? = { id in
                    guard let (p, f) = locate(id), let field = pages[p].fields[f], field.setAside != true else { return nil }
                    return field.value
                }
                let outcome: RuleResult.Outcome
                if let e = rule.evaluate(lookup) { outcome = e.holds ? .pass : .fail } else { outcome = .unknown }
                let numbers = rule.rendered(lookup)
                pages[i].rules.append(RuleResult(rule: rule.text, label: rule.label, soft: rule.soft, outcome: outcome,
                                                 numbers: numbers, fields: rule.fieldIDs, station: true))
                // A copy across pages (V.C of Lembar 2 = I.B.4 J of Lembar 1) of a number its own
                // page confirms confirms this one, as a copy does on one page.
                let status: (String) -> FieldStatus? = { id in locate(id).flatMap { pages[$0.page].fields[$0.field]?.status } }
                for id in rule.fieldIDs where Reconciler.copyBacks(rule, field: id, value: lookup, status: status) {
                    guard let (p, f) = locate(id), Reconciler.onlyUnconfirmed(pages[p].fields[f]?.reasons ?? []) else { continue }
                    pages[p].fields[f]?.status = .verified
                    pages[p].fields[f]?.reasons = []
                    if let t = try? store.template(pages[p].template) { Reconciler.promoteCopies(&pages[p].fields, rules: t.rules) }
                }
                guard outcome == .fail, !rule.soft else { continue }
                for id in rule.fieldIDs {
                    guard let (p, f) = locate(id), var field = pages[p].fields[f] else { continue }
                    field.status = max(field.status, .review)
                    field.reasons.append("station rule \(rule.label) fails: \(numbers)")
                    pages[p].fields[f] = field
                }
            }
        }
        for i in pages.indices { pages[i].status = pages[i].fields.values.map(\.status).max() ?? .missing }
    }

    /// "template.field" on another page of the station, a plain id on page `page`.
    static func locate(_ id: String, from page: Int, byTemplate: [String: Int]) -> (page: Int, field: String)? {
        if let dot = id.lastIndex(of: ".") {
            guard let p = byTemplate[String(id[..<dot])] else { return nil }
            return (p, String(id[id.index(after: dot)...]))
        }
        return (page, id)
    }

    /// Where a station rule spans two pages, every number of one page in it confirmed by that
    /// page's own sums (verified or corrected) and a number of the other in doubt (review), the
    /// doubtful page is reconciled again with the confirmed numbers as constants: the station
    /// rule then helps single out its misread number, or choose among its readings, like any
    /// rule of the page. (Lembar 2's V.B read 3 for 8: on the page V.C = V.A + V.B fails and
    /// either V.B or V.C may be the misread one; with V.C = I.B.4 J of Lembar 1, only V.B, so
    /// V.C is verified. Lembar 2's V.C read 0 for 200: V.C alone goes to review, and Lembar 1's
    /// I.B.4 J stays verified.) Kept only when the station rule then holds or the number is set
    /// aside. Pages a person corrected are left as they are.
    static func reconcileAcrossPages(_ pages: inout [PageResult], store: TemplateStore) {
        let byTemplate = Dictionary(pages.indices.map { (pages[$0].template, $0) }, uniquingKeysWith: { a, _ in a })
        var redone = Set<Int>()
        for i in pages.indices {
            guard let template = try? store.template(pages[i].template) else { continue }
            for rule in template.stationRules where !rule.soft {
                let located = rule.fieldIDs.compactMap { locate($0, from: i, byTemplate: byTemplate) }
                guard located.count == rule.fieldIDs.count,
                      located.allSatisfy({ pages[$0.page].fields[$0.field]?.value != nil }) else { continue }
                let involved = Set(located.map(\.page))
                guard involved.count == 2 else { continue }
                for d in involved.sorted() where !redone.contains(d) {
                    let mine = located.filter { $0.page == d }, others = located.filter { $0.page != d }
                    // Only numbers verified on their own page are put in as constants: a
                    // corrected one was changed to fit its page and confirms nothing here.
                    guard others.allSatisfy({ pages[$0.page].fields[$0.field]?.status == .verified }),
                          mine.contains(where: { (pages[d].fields[$0.field]?.status ?? .missing) >= .review }),
                          !pages[d].fields.values.contains(where: \.isSetByPerson),
                          var local = try? store.template(pages[d].template),
                          let onPage = localized(rule, on: d, from: i, pages: pages, byTemplate: byTemplate) else { continue }
                    local.rules.append(onPage)
                    var (fields, rules, _) = Reconciler(template: local).check(boxes: pages[d].fields.mapValues(\.boxes))
                    // Kept only when the page now agrees with the other (or sets its number
                    // aside); otherwise the failure is reported once, as a station rule, below.
                    let onPageResult = rules.removeLast()
                    guard onPageResult.outcome != .fail || mine.contains(where: { fields[$0.field]?.setAside == true }) else { continue }
                    for (id, old) in pages[d].fields {
                        guard var f = fields[id] else { continue }
                        if let bubbles = old.bubbles { BubbleReader.apply(bubbles, to: &f) }
                        f.words = old.words
                        fields[id] = f
                    }
                    WordsEvidence.apply(to: &fields, rules: &rules, template: local)
                    pages[d].fields = fields
                    pages[d].rules = rules
                    redone.insert(d)
                    break
                }
            }
        }
    }

    /// A station rule as a rule of page `d`: the numbers of the other pages put in as constants.
    static func localized(_ rule: Rule, on d: Int, from page: Int, pages: [PageResult], byTemplate: [String: Int]) -> Rule? {
        func side(_ s: Rule.Side) -> Rule.Side? {
            var out = Rule.Side(terms: [])
            for (sign, t) in s.terms {
                switch t {
                case .constant: out.terms.append((sign, t))
                case .field(let id), .ceilPercent(_, let id):
                    guard let (p, f) = locate(id, from: page, byTemplate: byTemplate) else { return nil }
                    if p == d {
                        if case .ceilPercent(let pc, _) = t { out.terms.append((sign, .ceilPercent(pc, f))) } else { out.terms.append((sign, .field(f))) }
                    } else {
                        guard let v = pages[p].fields[f]?.value else { return nil }
                        var c = v
                        if case .ceilPercent(let pc, _) = t { c = Int((Double(v) * pc / 100 - 1e-9).rounded(.up)) }
                        out.terms.append((sign, .constant(c)))
                    }
                }
            }
            return out
        }
        guard let l = side(rule.left), let r = side(rule.right) else { return nil }
        var out = rule
        out.left = l
        out.right = r
        return out
    }
}
