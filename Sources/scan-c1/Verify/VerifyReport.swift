import FormScan
import Foundation

/// The human report of `verify`: verdict, recap differences, corrections, then each page's
/// fields with the form's labels and every rule with its numbers.
enum VerifyReport {
    /// `width`: the terminal's columns (labels are shortened to fit, keeping their row code and
    /// their column, `I.B.1 Jumlah pengguna … Laki-laki (L)`). `recapCompared`: how many of
    /// the recap's numbers were found on these pages (`comparedCount`).
    static func render(_ v: StationVerification, text: VerifyText, color: Bool, width: Int = 100, recapCompared: Int = 0) -> String {
        func paint(_ s: String, _ status: FieldStatus) -> String {
            guard color else { return s }
            let code: String
            switch status {
            case .verified: code = "32"
            case .corrected: code = "34"
            case .review: code = "31"
            case .missing: code = "35"
            }
            return "\u{1B}[\(code)m\(s)\u{1B}[0m"
        }
        var out: [String] = []
        let worst: FieldStatus = v.verdict == .consistent ? .verified : .review
        out.append(paint(text.verdict(v), worst))
        if !v.mismatches.isEmpty {
            out.append("")
            out.append(text.mismatchHeading)
            for m in v.mismatches { out.append("  ✗ " + paint(text.mismatch(m), .review)) }
        }
        if recapCompared > 0 {
            if v.mismatches.isEmpty { out.append("") }
            out.append(text.recapMatches(max(0, recapCompared - v.mismatches.count), of: recapCompared))
        }
        if !v.corrections.isEmpty {
            out.append("")
            out.append(text.correctionHeading)
            for c in v.corrections { out.append("  " + text.correction(c)) }
        }
        for page in v.pages {
            out.append("")
            out.append("\(text.page) \(page.template) — \(page.file) — \(paint(text.status(page.status), page.status))")
            let fields = page.orderedFields
            let statusWidth = fields.map { text.status($0.status).count }.max() ?? 0
            let idWidth = fields.map(\.id.count).max() ?? 0
            // "  label  value  status  (id)": the label gets what the rest leaves of the line.
            let room = max(24, width - (2 + 2 + 4 + 2 + statusWidth + 3 + idWidth + 1))
            let labelWidth = min(room, fields.map(\.label.count).max() ?? 20)
            for f in fields {
                let label = shorten(f.label, to: labelWidth).padding(toLength: labelWidth, withPad: " ", startingAt: 0)
                let value = f.value.map(String.init) ?? "-"
                let status = text.status(f.status)
                let padded = status + String(repeating: " ", count: max(0, statusWidth - status.count))
                out.append("  \(label)  \(String(repeating: " ", count: max(0, 4 - value.count)))\(value)  \(paint(padded, f.status))  (\(f.id))")
                if f.status > .verified || f.isSetByPerson {
                    for r in f.reasons { out.append("        ↳ \(text.reason(r))") }
                }
            }
            out.append("  \(text.rules)")
            let shown = page.rules.map { text.numbers($0.numbers, failed: $0.outcome == .fail) }
            let numbersWidth = min(44, shown.map(\.count).max() ?? 0)
            for (r, numbers) in zip(page.rules, shown) {
                let mark: String
                switch r.outcome {
                case .pass: mark = paint("✓", .verified)
                case .fail: mark = r.soft ? "!" : paint("✗", .review)
                case .unknown: mark = "?"
                }
                var extra: [String] = []
                if r.soft { extra.append(text.soft) }
                if r.station == true { extra.append(text.acrossPages) }
                let padded = numbers.padding(toLength: max(numbers.count, numbersWidth), withPad: " ", startingAt: 0)
                out.append("    \(mark) \(padded)   \(r.label)\(extra.isEmpty ? "" : " (\(extra.joined(separator: ", ")))")")
            }
        }
        return out.joined(separator: "\n")
    }

    /// `label` in at most `width` characters: whole when it fits, else its beginning (the row
    /// code) and, when it names one, its column (`, Laki-laki (L)`) around an ellipsis, so the
    /// labels of one row stay told apart.
    static func shorten(_ label: String, to width: Int) -> String {
        guard label.count > width, width > 3 else { return label }
        var tail = ""
        if let comma = label.range(of: ", ", options: .backwards) { tail = String(label[comma.lowerBound...]) }
        if tail.count > width / 2 { tail = "" }
        let head = label.prefix(width - 1 - tail.count).trimmingCharacters(in: .whitespaces)
        return head + "…" + tail
    }

    /// How many of the recap's numbers name a field of these pages (`field`, found on exactly
    /// one page, or `template.field`), as `StationVerifier` compares them.
    static func comparedCount(_ expectation: Expectation, pages: [PageResult]) -> Int {
        expectation.values.keys.filter { name in
            if let dot = name.lastIndex(of: "."),
               pages.contains(where: { $0.template == String(name[..<dot]) && $0.fields[String(name[name.index(after: dot)...])] != nil }) {
                return true
            }
            return pages.filter { $0.fields[name] != nil }.count == 1
        }.count
    }
}

/// The terminal's width in columns: `COLUMNS`, else the terminal of stdout, else 100.
enum TerminalWidth {
    static func columns() -> Int {
        if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c > 0 { return c }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 100
    }
}
