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

        enum CodingKeys: String, CodingKey { case station, status, pages, templates, fields, failedRules = "failed_rules" }
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
                       fields: fields, failedRules: s.failedRules)
        }
    }

    /// Column order: every field of every known template, in template then form order, once.
    public static func fieldColumns(_ store: TemplateStore) -> [String] {
        var seen: Set<String> = [], out: [String] = []
        for t in store.templates { for f in t.template.fields where seen.insert(f.id).inserted { out.append(f.id) } }
        return out
    }

    public static func render(_ rows: [Row], format: Format, columns: [String]) -> String {
        header(format: format, columns: columns) + rows.map { line($0, format: format, columns: columns) }.joined()
    }

    /// What comes before the rows: for CSV the UTF-8 byte order mark and the header line.
    public static func header(format: Format, columns: [String]) -> String {
        switch format {
        case .jsonl: return ""
        case .csv:
            var header = ["station", "status", "pages", "templates"]
            for c in columns { header += [c, "\(c)_status"] }
            header.append("failed_rules")
            // UTF-8 byte order mark and CRLF: what spreadsheets expect of a CSV file.
            return "\u{FEFF}" + header.map(cell).joined(separator: ",") + "\r\n"
        }
    }

    /// One station's row, with its line ending.
    public static func line(_ r: Row, format: Format, columns: [String]) -> String {
        switch format {
        case .jsonl: return JSON.string(r) + "\n"
        case .csv:
            var cells = [r.station, r.status.rawValue, r.pages.joined(separator: " | "), r.templates.joined(separator: " | ")]
            for c in columns {
                let f = r.fields[c]
                // A number a person set says so in its status column (what the checks made of
                // it is in the JSONL export).
                cells += [f?.value.map(String.init) ?? "", f?.setByPerson == true ? setByPersonStatus : f?.status.rawValue ?? ""]
            }
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
