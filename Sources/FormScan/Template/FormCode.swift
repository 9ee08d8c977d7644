import Foundation

extension Template.Field {
    /// The form's own short name of the row: the label's leading code and, for an L/P/J triple,
    /// its column (`I.A.1 L`, `I.B.4 J`, `IV.01`, `V.C`, the plano DPR's `A.2 3` for "calon
    /// nomor urut 3"). What a person finds printed on the sheet, for spreadsheet headers and
    /// narrow reports. Nil when the label starts with no code.
    public var formCode: String? {
        guard let first = label.split(separator: " ").first, first.contains("."),
              first.first.map({ $0.isUppercase || $0.isNumber }) == true else { return nil }
        var code = String(first.hasSuffix(".") && first.count > 1 ? first.dropLast() : first)
        if label.hasSuffix("(L)") { code += " L" } else if label.hasSuffix("(P)") { code += " P" } else if label.hasSuffix("(L+P)") { code += " J" }
        if let r = label.range(of: #"nomor urut (\d+)$"#, options: .regularExpression) {
            code += " " + label[r].split(separator: " ").last!
        }
        return code
    }
}

extension TemplateStore {
    /// The form a template belongs to: its id without the page part (`-lembar2`, `-hal3`).
    public static func family(_ templateID: String) -> String {
        templateID.replacingOccurrences(of: #"-(lembar|hal)\d+$"#, with: "", options: .regularExpression)
    }

    /// The pages of the forms these templates belong to that are not among them: a station
    /// holding only Lembar 2 misses `c1-ppwp-2019-lembar1`. A plano sheet is a form of its own.
    public func missingPages(given templates: [String]) -> [String] {
        let families = Set(templates.map(Self.family))
        return ids.filter { families.contains(Self.family($0)) && !templates.contains($0) }
    }
}
