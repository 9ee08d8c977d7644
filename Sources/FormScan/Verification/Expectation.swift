import Foundation

/// The numbers a person typed into the recap, to compare with the photo.
public struct Expectation: Sendable {
    /// Field id (or `TEMPLATE_ID.field`) → value.
    public var values: [String: Int]
    public init(values: [String: Int] = [:]) { self.values = values }

    public enum ParseError: Error, CustomStringConvertible {
        case unreadable(String)
        case badLine(String, line: Int, text: String)
        case badPair(String)
        public var description: String {
            switch self {
            case .unreadable(let p): return "\(p): cannot read the expected values file"
            case .badLine(let p, let n, let t): return "\(p):\(n): expected 'field,value' or an export row, got '\(t)'"
            case .badPair(let t): return "--expect '\(t)': expected field=value (a number from 0 to 999) or a file"
            }
        }
    }

    /// `field=value`.
    public static func pair(_ text: String) throws(ParseError) -> (String, Int) {
        guard let c = Correction(text) else { throw .badPair(text) }
        return (c.field, c.value)
    }

    /// A CSV of `field,value` lines (a header line is allowed), or the CSV written by
    /// `scan-c1 export` (a header with field columns, then the station's row; with several rows,
    /// the one whose station matches `station`).
    public static func file(_ path: String, station: String? = nil) throws(ParseError) -> Expectation {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
        guard let first = lines.first else { return Expectation() }
        let header = CSV.split(first)
        if header.first == "station", header.contains("status") {
            let rows = lines.dropFirst().map(CSV.split)
            let row = rows.first { r in station.map { r.first == $0 || (r.first ?? "").hasSuffix("/" + $0) } ?? false } ?? rows.first
            guard let row else { return Expectation() }
            var values: [String: Int] = [:]
            for (i, name) in header.enumerated() where i < row.count && i >= 4 && !name.hasSuffix("_status") && name != "failed_rules" {
                if let v = Int(row[i]) { values[name] = v }
            }
            return Expectation(values: values)
        }
        var values: [String: Int] = [:]
        for (n, line) in lines.enumerated() {
            let cells = CSV.split(line).map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.allSatisfy(\.isEmpty) { continue }
            guard cells.count >= 2, let v = Int(cells[1]) else {
                if n == 0 { continue }  // a header such as "field,value"
                throw .badLine(path, line: n + 1, text: line)
            }
            values[cells[0]] = v
        }
        return Expectation(values: values)
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
    /// Splits one CSV line (RFC 4180 quotes).
    static func split(_ line: String) -> [String] {
        var out: [String] = [], cell = "", quoted = false
        let it = Array(line)
        var i = 0
        while i < it.count {
            let c = it[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < it.count && it[i + 1] == "\"" { cell.append("\""); i += 1 } else { quoted = false }
                } else { cell.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { out.append(cell); cell = "" } else { cell.append(c) }
            i += 1
        }
        out.append(cell)
        return out
    }
}
