import Foundation

/// The outcome of checking the pages of one polling station, for a person to act on.
public struct StationVerification: Sendable, Codable {
    public enum Verdict: String, Sendable, Codable {
        /// Every field verified (or corrected by the rules), matching the recap where given.
        case consistent
        /// Some fields need a person, or differ from the recap.
        case needsLook = "needs-look"
        /// Pages of the form are missing (and maybe more).
        case pagesMissing = "pages-missing"
    }
    public var verdict: Verdict
    public var pages: [PageResult]
    /// Template ids of the form's other pages that were not given.
    public var missingPages: [String]
    /// Photo vs recap, first in every report.
    public var mismatches: [Mismatch]
    /// Fields needing a person (review / missing), as `template.field`.
    public var fieldsNeedingLook: [String]
    public var corrections: [AppliedCorrection]

    public struct AppliedCorrection: Sendable, Codable {
        public var template: String
        public var field: String
        public var value: Int
        public var originalValue: Int?
        public var originalStatus: FieldStatus
        public var status: FieldStatus
    }
}

public enum VerifyError: Error, CustomStringConvertible, Equatable {
    case unknownField(String, known: [String])
    case ambiguousField(String, templates: [String])
    case samePageTwice(String)

    public var description: String {
        switch self {
        case .unknownField(let f, let known):
            return "no field '\(f)' on these pages (fields: \(known.prefix(12).joined(separator: ", "))\(known.count > 12 ? ", …" : ""))"
        case .ambiguousField(let f, let t): return "field '\(f)' is on several pages: write it as \(t.map { "\($0).\(f)" }.joined(separator: " or "))"
        case .samePageTwice(let t): return "two images are the same page (\(t)): give each page of the station once"
        }
    }
}

/// Checks the pages of one station together: rules within and across pages, a person's
/// corrections, and the recap's numbers.
public struct StationVerifier: Sendable {
    public var store: TemplateStore
    public init(store: TemplateStore) { self.store = store }

    /// The form a template belongs to: its id without the page part (`-lembar2`, `-hal3`).
    public static func family(_ templateID: String) -> String { TemplateStore.family(templateID) }

    /// Which page holds `name` (`field` or `template.field`).
    func locate(_ name: String, in pages: [PageResult]) throws(VerifyError) -> (page: Int, field: String) {
        if let dot = name.lastIndex(of: ".") {
            let t = String(name[..<dot]), f = String(name[name.index(after: dot)...])
            if let i = pages.firstIndex(where: { $0.template == t }), pages[i].fields[f] != nil { return (i, f) }
        }
        let holders = pages.indices.filter { pages[$0].fields[name] != nil }
        if holders.count == 1 { return (holders[0], name) }
        if holders.count > 1 { throw .ambiguousField(name, templates: holders.map { pages[$0].template }) }
        throw .unknownField(name, known: pages.flatMap(\.fieldOrder))
    }

    public func verify(_ scanned: [PageResult], corrections: [Correction] = [], expectation: Expectation = Expectation())
        throws(VerifyError) -> StationVerification {
        var pages = scanned
        let templates = pages.map(\.template)
        if let dup = templates.first(where: { t in templates.filter { $0 == t }.count > 1 }) { throw .samePageTwice(dup) }
        // A person's numbers first, then the rules across pages.
        var byPage: [Int: [String: Int]] = [:]
        var applied: [StationVerification.AppliedCorrection] = []
        for c in corrections {
            let (p, f) = try locate(c.field, in: pages)
            byPage[p, default: [:]][f] = c.value
        }
        for (p, values) in byPage {
            guard let template = try? store.template(pages[p].template) else { continue }
            pages[p] = pages[p].applying(values, template: template)
        }
        StationChecker.apply(to: &pages, store: store)
        for (p, values) in byPage.sorted(by: { $0.key < $1.key }) {
            for (f, v) in values.sorted(by: { $0.key < $1.key }) {
                let original = scanned[p].fields[f]
                applied.append(.init(template: pages[p].template, field: f, value: v, originalValue: original?.value,
                                     originalStatus: original?.status ?? .missing, status: pages[p].fields[f]?.status ?? .missing))
            }
        }
        var mismatches: [Mismatch] = []
        for (name, expected) in expectation.values.sorted(by: { $0.key < $1.key }) {
            guard let (p, f) = try? locate(name, in: pages), let field = pages[p].fields[f] else { continue }
            let trusted = field.status <= .corrected
            if !trusted || field.value != expected {
                mismatches.append(Mismatch(field: "\(pages[p].template).\(f)", label: field.label, expected: expected,
                                           read: trusted ? field.value : nil, status: field.status))
            }
        }
        let missing = store.missingPages(given: templates)
        let needing = pages.flatMap { p in p.orderedFields.filter { $0.status > .corrected }.map { "\(p.template).\($0.id)" } }
        let verdict: StationVerification.Verdict = !missing.isEmpty ? .pagesMissing
            : (!needing.isEmpty || !mismatches.isEmpty) ? .needsLook : .consistent
        return StationVerification(verdict: verdict, pages: pages, missingPages: missing, mismatches: mismatches,
                                   fieldsNeedingLook: needing, corrections: applied)
    }
}
