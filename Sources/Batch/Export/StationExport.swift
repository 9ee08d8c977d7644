import FormScan
import Foundation

/// One row per polling station with every canonical field, its status and the failed rules,
/// as CSV (opens in a spreadsheet) or JSON Lines.
public enum StationExport {
    public enum Format: String, Sendable, CaseIterable { case csv, jsonl }

    /// A station's fields merged over its pages. A field read on two pages (two photos of one
    /// sheet) with different values goes to review.
    public struct Row: Sendable, Encodable {
        public struct Field: Sendable, Encodable {
            public var value: Int?
            public var status: FieldStatus
            public var reasons: [String]
            /// True when a person set the number (the review page, `--set`); absent otherwise.
            public var setByPerson: Bool?

            enum CodingKeys: String, CodingKey { case value, status, reasons, setByPerson = "set_by_person" }
        }
        public var station: String
        public var status: FieldStatus
        public var pages: [String]
        public var templates: [String]
        public var fields: [String: Field]
        public var failedRules: [String]
        /// Pages of the station's forms that no image gave (empty: the station is complete).
        public var missingPages: [String] = []

        enum CodingKeys: String, CodingKey {
            case station, status, pages, templates, fields, failedRules = "failed_rules", missingPages = "missing_pages"
        }
    }

    public static func rows(_ stations: [Station]) -> [Row] {
        stations.map { s in
            var fields: [String: Row.Field] = [:]
            for page in s.pages {
                for f in page.result.orderedFields {
                    let mine = Row.Field(value: f.value, status: f.status, reasons: f.reasons, setByPerson: f.isSetByPerson ? true : nil)
                    guard let seen = fields[f.id] else { fields[f.id] = mine; continue }
                    if seen.value != f.value {
                        let why = "pages disagree: \(seen.value.map(String.init) ?? "?") vs \(f.value.map(String.init) ?? "?")"
                        fields[f.id] = Row.Field(value: nil, status: .review, reasons: seen.reasons + [why], setByPerson: nil)
                    } else if f.status < seen.status {
                        fields[f.id] = mine
                    }
                }
            }
            let status = max(s.status, fields.values.map(\.status).max() ?? .missing)
            return Row(station: s.key, status: status, pages: s.pages.map(\.path), templates: s.pages.map(\.template),
                       fields: fields, failedRules: s.failedRules, missingPages: s.missingPages)
        }
    }

    /// Column order: the fields of the templates given (all known ones when nil), the forms'
    /// pages in order (Lembar 1 then Lembar 2; 2024 hal. 1, 2, 3), the plano sheets after the
    /// certificates, each field once, in the form's order.
    public static func fieldColumns(_ store: TemplateStore, present: Set<String>? = nil) -> [String] {
        var seen: Set<String> = [], out: [String] = []
        let ordered = formOrder(store.templates.filter { present?.contains($0.id) ?? true })
        for t in ordered { for f in t.template.fields where seen.insert(f.id).inserted { out.append(f.id) } }
        return out
    }

    /// Templates in the order their columns come: by id (2024 hal1–3, then 2019 Lembar 1 and
    /// Lembar 2), the plano sheets last.
    static func formOrder(_ templates: [LoadedTemplate]) -> [LoadedTemplate] {
        templates.sorted { ($0.id.contains("plano") ? 1 : 0, $0.id) < ($1.id.contains("plano") ? 1 : 0, $1.id) }
    }

    /// Each column's code as printed on the form (`I.A.1 L`, `V.C`), from the first template
    /// (in `fieldColumns` order) holding the field.
    public static func formCodes(_ store: TemplateStore, columns: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for t in formOrder(store.templates) { for f in t.template.fields where out[f.id] == nil { out[f.id] = f.formCode } }
        return out.filter { columns.contains($0.key) }
    }

    public static func render(_ rows: [Row], format: Format, columns: [String], codes: [String: String]? = nil) -> String {
        header(format: format, columns: columns, codes: codes) + rows.map { line($0, format: format, columns: columns) }.joined()
    }

    /// What comes before the rows: for CSV the UTF-8 byte order mark and the header line, and
    /// with `codes` a second line giving each field column's code on the form (its first cell
    /// `Expectation.formCodesRow`; `verify --expect` skips it).
    public static func header(format: Format, columns: [String], codes: [String: String]? = nil) -> String {
        switch format {
        case .jsonl: return ""
        case .csv:
            var header = ["station", "status", "pages", "templates", "missing_pages"]
            for c in columns { header += [c, "\(c)_status"] }
            header += ["reasons", "failed_rules"]
            // UTF-8 byte order mark and CRLF: what spreadsheets expect of a CSV file.
            var out = "\u{FEFF}" + header.map(cell).joined(separator: ",") + "\r\n"
            if let codes {
                var line = [Expectation.formCodesRow, "", "", "", ""]
                for c in columns { line += [codes[c] ?? "", ""] }
                line += ["", ""]
                out += line.map(cell).joined(separator: ",") + "\r\n"
            }
            return out
        }
    }

    /// The CSV status of a station lacking a page of its form (its fields keep their own).
    public static let incompleteStatus = "incomplete"

    /// One station's row, with its line ending.
    public static func line(_ r: Row, format: Format, columns: [String]) -> String {
        switch format {
        case .jsonl: return JSON.string(r) + "\n"
        case .csv:
            var cells = [r.station, r.missingPages.isEmpty ? r.status.rawValue : incompleteStatus,
                         r.pages.joined(separator: " | "), r.templates.joined(separator: " | "), r.missingPages.joined(separator: " | ")]
            var reasons: [String] = []
            for c in columns {
                let f = r.fields[c]
                // A number a person set says so in its status column (what the checks made of
                // it is in the JSON Lines export).
                cells += [f?.value.map(String.init) ?? "", f?.setByPerson == true ? setByPersonStatus : f?.status.rawValue ?? ""]
                if let f, f.status > .corrected || f.setByPerson == true, !f.reasons.isEmpty {
                    reasons.append("\(c): " + f.reasons.joined(separator: " / "))
                }
            }
            cells.append(reasons.joined(separator: "; "))
            cells.append(r.failedRules.joined(separator: "; "))
            return cells.map(cell).joined(separator: ",") + "\r\n"
        }
    }

    /// The CSV status of a number a person set.
    public static let setByPersonStatus = "set-by-person"

    /// RFC 4180 quoting; text that a spreadsheet would run as a formula (first character `=`,
    /// `+`, `-`, `@`, tab or carriage return, OWASP's list) is prefixed with '.
    static func cell(_ s: String) -> String {
        var s = s
        if let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Int(s) == nil { s = "'" + s }
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}
