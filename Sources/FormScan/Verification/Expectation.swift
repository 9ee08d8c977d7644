import Foundation

/// The numbers a person typed into the recap, to compare with the photo.
///
/// An expectation that compares nothing is refused, never passed: an empty file, a header
/// without fields, names that are no field of the pages (`suara_sahh`, `SUARA_SAH`), an export
/// whose rows are all other stations' are errors that say what was given and what is known.
public struct Expectation: Sendable {
    /// Field id (or `TEMPLATE_ID.field`) → value.
    public var values: [String: Int]
    /// Names that may be missing from the pages without an error: the columns of an export
    /// row (it has a column for every field of every template).
    public var optional: Set<String>
    public init(values: [String: Int] = [:], optional: Set<String> = []) { self.values = values; self.optional = optional }

    /// Recap files larger than this are refused unread (a recap of one station is a few hundred bytes).
    public static let maxFileBytes = 1 << 20
    /// How much of a bad line an error quotes.
    static let quoted = 40

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case unreadable(String)
        case tooLarge(String, bytes: Int)
        case empty(String)
        case badLine(String, line: Int, text: String)
        case badValue(String, line: Int, field: String, text: String)
        case twice(String, field: String)
        case badPair(String)
        case noFieldColumns(String)
        case noRowForStation(String, station: String?, rows: [String])
        case noValues(String, station: String)
        case unknownFields([String], known: [String])
        case ambiguousField(String, templates: [String])
        case notStationRows(String)

        public var description: String {
            switch self {
            case .unreadable(let p): return "\(p): cannot read the expected values file"
            case .tooLarge(let p, let n): return "\(p): \(n) bytes is not a recap file (at most \(Expectation.maxFileBytes) bytes): is it the right file?"
            case .empty(let p): return "\(p): no values in the file: expected 'field,value' lines or a row of `scan-c1 export`"
            case .badLine(let p, let n, let t):
                return "\(p):\(n): expected 'field,value' (or 'field;value') or an export row, got '\(Expectation.quote(t))'"
            case .badValue(let p, let n, let f, let t):
                return "\(p):\(n): \(f): expected a number from 0 to 999, got '\(Expectation.quote(t))'"
            case .twice(let p, let f): return "\(p): \(f) is given twice"
            case .badPair(let t): return "--expect '\(Expectation.quote(t))': expected field=value (a number from 0 to 999) or a file"
            case .noFieldColumns(let p): return "\(p): the header names no field columns (after station,status,pages,templates)"
            case .noRowForStation(let p, let s, let rows):
                let listed = rows.prefix(8).joined(separator: ", ") + (rows.count > 8 ? ", … (\(rows.count) rows)" : "")
                if let s { return "\(p): no row for station \(s) (rows: \(listed)): give the recap of this station" }
                return "\(p): several stations' rows (\(listed)): give the recap of one station"
            case .noValues(let p, let s): return "\(p): the row of \(s) has no numbers to compare"
            case .unknownFields(let names, let known):
                let hint = names.compactMap { n in known.contains(n.lowercased()) && n != n.lowercased() ? "\(n) → \(n.lowercased())" : nil }
                return "--expect: no field \(names.map { "'\(Expectation.quote($0))'" }.joined(separator: ", ")) on these pages"
                    + (hint.isEmpty ? "" : " (field names are lower case: \(hint.joined(separator: ", ")))")
                    + "; the pages' fields: \(known.joined(separator: ", "))"
            case .ambiguousField(let f, let t):
                return "--expect: field '\(f)' is on several pages: write it as \(t.map { "\($0).\(f)" }.joined(separator: " or "))"
            case .notStationRows(let p):
                return "\(p): expected the CSV of `scan-c1 export` (a header starting station,status and a row per station): 'field,value' lines name no station"
            }
        }
    }

    /// At most `quoted` characters of bad input, control characters shown as `?`.
    public static func quote(_ text: String) -> String {
        let shown = String(text.prefix(quoted).map { $0.isASCII && ($0.asciiValue! < 0x20 || $0.asciiValue! == 0x7F) ? "?" : $0 })
        return text.count > quoted ? shown + "…" : shown
    }

    /// A value as the recap holds it: a number from 0 to 999.
    static func number(_ text: String) -> Int? {
        guard let v = Int(text.trimmingCharacters(in: .whitespaces)), (0...999).contains(v) else { return nil }
        return v
    }

    /// `field=value`.
    public static func pair(_ text: String) throws(ParseError) -> (String, Int) {
        guard let c = Correction(text) else { throw .badPair(text) }
        return (c.field, c.value)
    }

    /// A CSV of `field,value` lines (a header line is allowed), or the CSV written by
    /// `scan-c1 export` (a header with field columns, then station rows: the one of `station`,
    /// or the only one). Commas or semicolons (a spreadsheet set to Indonesian saves `;`).
    public static func file(_ path: String, station: String? = nil) throws(ParseError) -> Expectation {
        let (lines, separator, header) = try nonEmptyLines(path)
        if header.first == "station", header.contains("status") {
            return try exportRow(path, header: header, rows: lines.dropFirst().map { CSV.split($0, separator: separator) }, station: station)
        }
        var values: [String: Int] = [:]
        for (n, line) in lines.enumerated() {
            let cells = CSV.split(line, separator: separator).map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.allSatisfy(\.isEmpty) { continue }
            guard cells.count >= 2, !cells[0].isEmpty, cells.dropFirst(2).allSatisfy(\.isEmpty) else { throw .badLine(path, line: n + 1, text: line) }
            guard let v = number(cells[1]) else {
                if n == 0 && Int(cells[1]) == nil { continue }  // a header such as "field,value"
                throw .badValue(path, line: n + 1, field: cells[0], text: cells[1])
            }
            if values[cells[0]] != nil { throw .twice(path, field: cells[0]) }
            values[cells[0]] = v
        }
        if values.isEmpty { throw .empty(path) }
        return Expectation(values: values)
    }

    /// Every station's row of a CSV written by `scan-c1 export` (the recap of many stations),
    /// by the station named in its first column; rows without numbers are left out. A file of
    /// `field,value` lines names no station and is refused.
    public static func stations(_ path: String) throws(ParseError) -> [String: Expectation] {
        let (header, rows) = try exportTable(path)
        var out: [String: Expectation] = [:]
        for (i, row) in rows.enumerated() {
            guard let key = row.first?.trimmingCharacters(in: .whitespaces), !key.isEmpty, key != formCodesRow else { continue }
            if out[key] != nil { throw .twice(path, field: key) }
            do { out[key] = try exportRow(path, header: header, rows: [row], station: key, line: i + 2) } catch {
                if case .noValues = error { continue }
                throw error
            }
        }
        if out.isEmpty { throw .empty(path) }
        return out
    }

    /// The row of `stations` for a station key: its own, else the only one whose last path
    /// component is the key's (an export made in another folder).
    public static func row(for key: String, in rows: [String: Expectation]) -> Expectation? {
        if let r = rows[key] { return r }
        let last = (key as NSString).lastPathComponent
        let same = rows.filter { ($0.key as NSString).lastPathComponent == last }
        return same.count == 1 ? same.first?.value : nil
    }

    /// A recap file's non-empty lines (BOM dropped, any line ending), the separator its first
    /// line uses and that line's cells: what `file` and `exportTable` both start from.
    static func nonEmptyLines(_ path: String) throws(ParseError) -> (lines: [String], separator: Character, header: [String]) {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path) }
        guard st.st_size <= maxFileBytes else { throw .tooLarge(path, bytes: Int(st.st_size)) }
        guard let data = FileManager.default.contents(atPath: path), data.count <= maxFileBytes else { throw .unreadable(path) }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let first = lines.first else { throw .empty(path) }
        let separator = CSV.separator(first)
        let header = CSV.split(first, separator: separator).map { $0.trimmingCharacters(in: .whitespaces) }
        return (lines, separator, header)
    }

    static func exportTable(_ path: String) throws(ParseError) -> (header: [String], rows: [[String]]) {
        let (lines, separator, header) = try nonEmptyLines(path)
        guard header.first == "station", header.contains("status") else { throw .notStationRows(path) }
        return (header, lines.dropFirst().map { CSV.split($0, separator: separator) })
    }

    /// First cell of the export's second header line, the fields' codes on the form.
    public static let formCodesRow = "kode formulir"
    /// Columns of an export row that hold no field's number.
    static let exportTextColumns: Set<String> = ["station", "status", "pages", "templates", "missing_pages", "reasons", "failed_rules"]

    static func exportRow(_ path: String, header: [String], rows: [[String]], station: String?, line: Int? = nil) throws(ParseError) -> Expectation {
        let rows = rows.filter { $0.first?.trimmingCharacters(in: .whitespaces) != formCodesRow }
        let columns = header.indices.filter { $0 >= 4 && !header[$0].hasSuffix("_status") && !exportTextColumns.contains(header[$0]) && !header[$0].isEmpty }
        if columns.isEmpty { throw .noFieldColumns(path) }
        let keys = rows.map { $0.first ?? "" }
        if rows.isEmpty { throw .noRowForStation(path, station: station, rows: []) }
        let index: Int
        if rows.count == 1 {
            index = 0
        } else {
            guard let station else { throw .noRowForStation(path, station: nil, rows: keys) }
            let exact = keys.indices.filter { keys[$0] == station }
            let suffix = keys.indices.filter { keys[$0].hasSuffix("/" + station) }
            let found = exact.isEmpty ? suffix : exact
            guard found.count == 1 else {
                throw .noRowForStation(path, station: station, rows: found.isEmpty ? keys : found.map { keys[$0] })
            }
            index = found[0]
        }
        let row = rows[index]
        var values: [String: Int] = [:]
        for i in columns where i < row.count {
            let cell = row[i].trimmingCharacters(in: .whitespaces)
            if cell.isEmpty { continue }
            guard let v = number(cell) else { throw .badValue(path, line: line ?? index + 2, field: header[i], text: cell) }
            values[header[i]] = v
        }
        if values.isEmpty { throw .noValues(path, station: keys[index]) }
        return Expectation(values: values, optional: Set(values.keys))
    }

    /// Adds another source's values (a later one wins).
    public mutating func merge(_ other: Expectation) {
        values.merge(other.values) { _, new in new }
        optional = optional.subtracting(other.values.keys).union(other.optional)
    }

    /// The names that are no field of any template: refused before a page is read.
    public func unknownNames(in store: TemplateStore) -> [String] {
        let known = Set(store.templates.flatMap { t in t.template.fields.flatMap { [$0.id, "\(t.id).\($0.id)"] } })
        return values.keys.filter { !known.contains($0) && !optional.contains($0) }.sorted()
    }

    /// The expectation reduced to what these pages hold: a name given by the person that is no
    /// field of these pages is an error (listing their fields), as is a name on several pages;
    /// an export row's columns of other pages are dropped. Nothing left to compare is an error.
    public func checked(against pages: [PageResult]) throws(ParseError) -> Expectation {
        var out = Expectation()
        var unknown: [String] = []
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            var holders = pages.filter { $0.fields[name] != nil }.map(\.template)
            if let dot = name.lastIndex(of: "."), pages.contains(where: { $0.template == String(name[..<dot]) && $0.fields[String(name[name.index(after: dot)...])] != nil }) {
                holders = [String(name[..<dot])]
            }
            if holders.count > 1 { throw .ambiguousField(name, templates: holders) }
            if holders.isEmpty {
                if !optional.contains(name) { unknown.append(name) }
                continue
            }
            out.values[name] = value
        }
        let known = pages.flatMap(\.fieldOrder)
        if !unknown.isEmpty { throw .unknownFields(unknown, known: known) }
        if out.values.isEmpty && !values.isEmpty { throw .unknownFields(values.keys.sorted(), known: known) }
        return out
    }
}

/// One field whose photo reading and recap value differ (or cannot be compared).
public struct Mismatch: Sendable, Codable {
    public var field: String
    public var label: String
    public var expected: Int
    /// What the photo gives (nil: the photo's number needs review or is missing).
    public var read: Int?
    public var status: FieldStatus
}

enum CSV {
    /// `;` when the line has more semicolons than commas outside quotes (a spreadsheet set to
    /// a language whose decimal mark is the comma saves CSV so), else `,`.
    static func separator(_ line: String) -> Character {
        var commas = 0, semicolons = 0, quoted = false
        for c in line {
            if c == "\"" { quoted.toggle() } else if !quoted && c == "," { commas += 1 } else if !quoted && c == ";" { semicolons += 1 }
        }
        return semicolons > commas ? ";" : ","
    }

    /// Splits one CSV line (RFC 4180 quotes).
    static func split(_ line: String, separator: Character = ",") -> [String] {
        var out: [String] = [], cell = "", quoted = false
        let it = Array(line)
        var i = 0
        while i < it.count {
            let c = it[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < it.count && it[i + 1] == "\"" { cell.append("\""); i += 1 } else { quoted = false }
                } else { cell.append(c) }
            } else if c == "\"" { quoted = true } else if c == separator { out.append(cell); cell = "" } else { cell.append(c) }
            i += 1
        }
        out.append(cell)
        return out
    }
}
