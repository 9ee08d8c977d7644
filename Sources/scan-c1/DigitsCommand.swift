import ArgumentParser
import DigitReader
import FormScan
import Foundation

struct DigitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digits",
        abstract: "Work with single digit boxes: export labelled crops for training, measure the readers.",
        subcommands: [DigitsExport.self, DigitsEval.self]
    )
}

struct DigitsExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the cleaned box crops of verified pages (images with NAME.truth.json) as labelled training data.",
        discussion: "Writes OUT/<label>/<page>__<field>__<position>.pgm with label 0-9, X or dash."
    )

    @Argument(help: "Folder searched recursively for images with a truth file.")
    var directory: String

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String

    @OptionGroup var reader: ReaderOptions

    func run() throws {
        let scanner = try reader.makeScanner()
        do {
            let s = try BoxExporter(scanner: scanner).export(directory: directory, to: out)
            print("exported \(s.boxes) boxes from \(s.pages) pages (\(s.skipped) boxes without a label or ink)")
            for e in s.errors { Diagnostics.error(e) }
            if !s.errors.isEmpty { throw ExitCode(Exit.badInput) }
        } catch let e as FormScanError {
            Diagnostics.error(e.description)
            throw ExitCode(Exit.badInput)
        }
    }
}

struct DigitsEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure Tesseract, the classifier and their combination on a folder of labelled box crops.",
        discussion: "The folder holds <label>/<image> with label 0-9, X or dash (as `digits export` writes)."
    )

    @Argument(help: "Folder of labelled crops.")
    var directory: String

    @Option(help: "Read at most this many crops per label.")
    var limit: Int?

    @Option(help: "List at most this many misread crops per reader.")
    var misses = 20

    @Flag(help: "Print the full report as JSON.")
    var json = false

    @Option(help: "Weight of Tesseract in the combination, to try another (default: the reader's own).")
    var tesseractWeight: Double?

    @OptionGroup var reader: ReaderOptions

    func weighted(_ r: BoxReader) -> BoxReader {
        if let tesseractWeight { r.tesseractWeight = tesseractWeight }
        return r
    }

    func run() throws {
        let evaluator = DigitEvaluator(reader: try weighted(reader.makeBoxReader()))
        let outcome = Result { () throws(FormScanError) in try evaluator.run(directory: directory, limitPerClass: limit) }
        guard case .success(let scores) = outcome else {
            if case .failure(let e) = outcome { Diagnostics.error(e.description) }
            throw ExitCode(Exit.badInput)
        }
        if scores.isEmpty { throw ValidationError("no labelled crops under \(directory) (expected <label>/<image>, label 0-9, X or dash)") }
        if json { print(jsonString(scores)); return }
        let names = (0...9).map(String.init) + ["X", "-", "_", "?"]
        for s in scores {
            print("== \(s.reader): \(s.top1)/\(s.total) top-1 \(String(format: "%.2f%%", s.accuracy * 100)), top-3 \(String(format: "%.2f%%", s.top3Accuracy * 100)), ECE \(String(format: "%.2f%%", s.expectedCalibrationError * 100))" + (s.milliseconds.isEmpty ? "" : String(format: ", median %.2f ms per box", s.medianMilliseconds)))
            print("confusion (rows truth, columns read):")
            print("      " + names.map { $0.padding(toLength: 5, withPad: " ", startingAt: 0) }.joined())
            for (i, row) in s.confusion.enumerated() where row.reduce(0, +) > 0 {
                print("  " + names[i].padding(toLength: 4, withPad: " ", startingAt: 0) + row.map { String($0).padding(toLength: 5, withPad: " ", startingAt: 0) }.joined())
            }
            print("reliability (top candidate's probability -> share correct):")
            for (i, r) in s.reliability.enumerated() where r[0] > 0 {
                print(String(format: "  %.1f-%.1f: %5d boxes, %.1f%% correct, mean p %.2f", Double(i) / 10, Double(i + 1) / 10, r[0], Double(r[1]) / Double(r[0]) * 100, s.confidenceSum[i] / Double(r[0])))
            }
            for m in s.misses.prefix(misses) { print("  miss \(m)") }
            if s.misses.count > misses { print("  … \(s.misses.count - misses) more") }
            print()
        }
    }
}
