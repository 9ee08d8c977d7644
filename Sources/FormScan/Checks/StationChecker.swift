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

    /// Groups results by station key, keeping input order inside each group.
    public static func group(_ paths: [String], pagePattern: String = defaultPagePattern) -> [String: [String]] {
        Dictionary(grouping: paths, by: { stationKey(for: $0, pagePattern: pagePattern) })
    }

    /// Evaluates every station rule of the pages' templates; a failed rule sends the fields it
    /// names, on every page involved, to review. Results are appended to each page's rules.
    public static func apply(to pages: inout [PageResult], store: TemplateStore) {
        let byTemplate = Dictionary(pages.indices.map { (pages[$0].template, $0) }, uniquingKeysWith: { a, _ in a })
        for i in pages.indices {
            guard let template = try? store.template(pages[i].template) else { continue }
            for rule in template.stationRules {
                // Resolve "template.field" to another page of the station, plain ids to this page.
                func locate(_ id: String) -> (page: Int, field: String)? {
                    if let dot = id.lastIndex(of: ".") {
                        guard let p = byTemplate[String(id[..<dot])] else { return nil }
                        return (p, String(id[id.index(after: dot)...]))
                    }
                    return (i, id)
                }
                let lookup: (String) -> Int? = { id in
                    guard let (p, f) = locate(id) else { return nil }
                    return pages[p].fields[f]?.value
                }
                let outcome: RuleResult.Outcome
                if let e = rule.evaluate(lookup) { outcome = e.holds ? .pass : .fail } else { outcome = .unknown }
                let numbers = rule.rendered(lookup)
                pages[i].rules.append(RuleResult(rule: rule.text, label: rule.label, soft: rule.soft, outcome: outcome,
                                                 numbers: numbers, fields: rule.fieldIDs, station: true))
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
}
