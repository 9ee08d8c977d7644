import ArgumentParser
import DigitReader
import FormScan
import Foundation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure reading accuracy on a folder of images with NAME.truth.json files beside them."
    )

    @Argument(help: "Folder searched recursively for images with a truth file.")
    var directory: String

    @Flag(help: "Print the full report as JSON.")
    var json = false

    @Option(name: .long, help: "How many of the worst pages to list.")
    var worst = 5

    @Option(name: .long, help: "An earlier `eval --json` report: exit 5 if this run is worse (see --tolerance).")
    var baseline: String?

    @Option(name: .long, help: "Allowed drop in accuracy / rise in review rate against --baseline, as a fraction.")
    var tolerance = 0.005

    @Option(name: .long, help: "Regular expression for the page marker at the end of a file name; pages whose names match once it is removed form one station (default: -lembarN, -halN, -halamanN, -pageN).")
    var stationPattern: String = StationChecker.defaultPagePattern

    func validate() throws {
        if (try? NSRegularExpression(pattern: stationPattern)) == nil { throw ValidationError("--station-pattern is not a valid regular expression") }
        if tolerance < 0 { throw ValidationError("--tolerance must not be negative") }
    }

    @OptionGroup var reader: ReaderOptions

    func run() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("\(directory) is not a folder")
        }
        let scanner = try reader.makeScanner()
        let report: EvalReport
        do {
            var evaluator = Evaluator(scanner: scanner)
            evaluator.pagePattern = stationPattern
            report = try evaluator.run(directory: directory) { i, n, path in
                if !json { Diagnostics.note("[\(i)/\(n)] \((path as NSString).lastPathComponent)") }
            }
        } catch {
            Diagnostics.error(error.description)
            throw ExitCode(Exit.badInput)
        }
        if json { print(jsonString(report)) } else { print(EvalTable.render(report, worst: worst)) }
        if let baseline {
            guard let data = FileManager.default.contents(atPath: baseline),
                  let before = try? JSONDecoder().decode(EvalReport.self, from: data) else {
                throw ValidationError("\(baseline) is not a report written by `scan-c1 eval --json`")
            }
            if let warning = report.coverageWarning(against: before) { Diagnostics.note("warning: \(warning)") }
            let problems = report.regressions(against: before, tolerance: tolerance)
            for p in problems { Diagnostics.error("regression: \(p)") }
            if !problems.isEmpty { throw ExitCode(Exit.regression) }
            Diagnostics.note("no regression against \(baseline)")
        }
    }
}

enum EvalTable {
    static func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

    static func render(_ report: EvalReport, worst: Int) -> String {
        let s = report.summary
        var out: [String] = []
        out.append("pages: \(s.pages) (\(s.pageErrors) could not be read)")
        out.append("fields: \(s.fieldsCorrect)/\(s.fields) correct (\(pct(s.fieldAccuracy)))")
        out.append("whole pages correct: \(s.pagesAllCorrect)/\(s.pages) (\(pct(s.pageAccuracy)))")
        out.append("boxes: \(s.boxesCorrect)/\(s.boxes) correct (\(pct(s.boxAccuracy)))")
        out.append("silent errors (verified or corrected but wrong): \(s.silentErrors)")
        out.append("status: \(s.verifiedOrCorrected) verified/corrected, \(s.review) review, \(s.missing) missing (review rate \(pct(s.reviewRate)))")
        out.append("correct or flagged: \(s.correctOrFlagged)/\(s.fields)")
        if s.mustReview > 0 {
            out.append("pages with a deliberate arithmetic error sent to review: \(s.mustReviewFlagged)/\(s.mustReview)")
        }
        out.append(String(format: "time per page: median %.0f ms, worst %.0f ms (reconciliation: median %.1f ms, worst %.1f ms)",
                          s.medianMilliseconds, s.worstMilliseconds, s.medianChecksMilliseconds, s.worstChecksMilliseconds))
        if worst > 0 {
            out.append("")
            let ranked = report.worstPages(worst)
            out.append(ranked.isEmpty ? "worst pages: none (every page read correctly, every box right, nothing sent to review)" : "worst pages:")
            for p in ranked {
                let name = (p.file as NSString).lastPathComponent
                if let e = p.error { out.append("  \(name): ERROR \(e)"); continue }
                let boxes = p.fields.reduce(0) { $0 + $1.boxes }, boxesCorrect = p.fields.reduce(0) { $0 + $1.boxesCorrect }
                out.append("  \(name): \(p.fieldsCorrect)/\(p.fields.count) fields correct, \(boxesCorrect)/\(boxes) boxes, status \(p.status?.rawValue ?? "-")")
                for f in p.fields where !f.correct || f.silentError || f.boxesCorrect < f.boxes || f.status >= .review {
                    var notes: [String] = []
                    if f.silentError { notes.append("SILENT ERROR") }
                    if f.correct && f.boxesCorrect < f.boxes { notes.append("\(f.boxes - f.boxesCorrect) box(es) misread, value right") }
                    out.append("    \(f.id): expected \(f.expected), read \(f.read) -> \(f.value.map(String.init) ?? "none") [\(f.status.rawValue)]\(notes.isEmpty ? "" : "  " + notes.joined(separator: ", "))")
                }
            }
        }
        return out.joined(separator: "\n")
    }
}
