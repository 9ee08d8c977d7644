import DigitReader
import FormScan
import Foundation

/// The human-readable form of a page result.
enum ResultTable {
    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    static func padLeft(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }

    static func render(_ r: PageResult) -> String {
        var out: [String] = []
        let reg = r.registration
        out.append("\(r.file)")
        out.append("  template \(r.template): \(r.templateTitle)")
        out.append(String(format: "  registration: %d° turn, ruled lines found %.0f%%, residual %.2f px, skew %.2f°, scale %.3f, corner marks %d/%d",
                          reg.quarterTurns * 90, reg.coverage * 100, reg.residual, reg.skewDegrees, reg.scale,
                          reg.marksFound, 4) + (reg.marksResidual.map { String(format: " (off by %.1f px)", $0) } ?? ""))
        out.append("  page status: \(r.status.rawValue.uppercased())")
        out.append("")
        out.append("  " + pad("field", 30) + padLeft("value", 6) + "  " + pad("status", 9) + "  boxes (best candidates)")
        for f in r.orderedFields {
            let boxes = f.boxes.map { b -> String in
                let cands = b.candidates.prefix(2).map { "\($0.symbol == .blank ? "_" : $0.symbol.description) \(Int(($0.probability * 100).rounded()))%" }
                return "[" + (cands.isEmpty ? "?" : cands.joined(separator: ", ")) + "]"
            }.joined(separator: " ")
            out.append("  " + pad(f.id, 30) + padLeft(f.value.map(String.init) ?? "-", 6) + "  " + pad(f.status.rawValue, 9) + "  " + boxes)
            for reason in f.reasons { out.append("      ↳ " + reason) }
            if let w = f.words, !w.text.isEmpty {
                let says = w.value.map { "\($0)" } ?? "no clear number"
                out.append("      words: \"\(w.text)\" → \(says) (\(Int((w.probability * 100).rounded()))%)")
            }
        }
        out.append("")
        out.append("  rules:")
        for rule in r.rules {
            let mark: String
            switch rule.outcome {
            case .pass: mark = "✓"
            case .fail: mark = rule.soft ? "!" : "✗"
            case .unknown: mark = "?"
            }
            out.append("    \(mark) \(pad(rule.numbers, 24)) \(rule.label)\(rule.soft ? " (soft)" : "")\(rule.station == true ? " (across pages)" : "")")
        }
        out.append(String(format: "  time: %.0f ms (decode %.0f, registration %.0f, cleaning %.0f, reading %.0f, checks %.1f, words %.0f)",
                          r.timings.total, r.timings.decode, r.timings.registration, r.timings.cleaning, r.timings.reading, r.timings.checks, r.timings.words))
        return out.joined(separator: "\n")
    }
}
