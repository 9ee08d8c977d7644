import FormScan
import Foundation

/// The human report of `verify`: verdict, recap differences, corrections, then each page's
/// fields with the form's labels and every rule with its numbers.
enum VerifyReport {
    static func render(_ v: StationVerification, text: VerifyText, color: Bool) -> String {
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
        if !v.corrections.isEmpty {
            out.append("")
            out.append(text.correctionHeading)
            for c in v.corrections { out.append("  " + text.correction(c)) }
        }
        for page in v.pages {
            out.append("")
            out.append("\(text.page) \(page.template) — \(page.file) — \(paint(text.status(page.status), page.status))")
            let width = min(60, page.orderedFields.map(\.label.count).max() ?? 20)
            for f in page.orderedFields {
                let label = f.label.count > width ? String(f.label.prefix(width - 1)) + "…"
                                                  : f.label.padding(toLength: width, withPad: " ", startingAt: 0)
                let value = f.value.map(String.init) ?? "-"
                out.append("  \(label)  \(String(repeating: " ", count: max(0, 4 - value.count)))\(value)  \(paint(text.status(f.status), f.status))  (\(f.id))")
                if f.status > .verified || f.isSetByPerson {
                    for r in f.reasons { out.append("        ↳ \(text.reason(r))") }
                }
            }
            out.append("  \(text.rules)")
            for r in page.rules {
                let mark: String
                switch r.outcome {
                case .pass: mark = paint("✓", .verified)
                case .fail: mark = r.soft ? "!" : paint("✗", .review)
                case .unknown: mark = "?"
                }
                var extra: [String] = []
                if r.soft { extra.append(text.soft) }
                if r.station == true { extra.append(text.acrossPages) }
                out.append("    \(r.numbers) \(mark)   \(r.label)\(extra.isEmpty ? "" : " (\(extra.joined(separator: ", ")))")")
            }
        }
        return out.joined(separator: "\n")
    }
}
