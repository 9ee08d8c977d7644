import ArgumentParser
import DigitReader
import FormScan
import Foundation

@main
struct ScanC1: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan-c1",
        abstract: "Read the handwritten numbers on Indonesian election tally sheets (C1 / C.Hasil) and check them against the form's own arithmetic.",
        discussion: """
        Every number is either confirmed by the form's rules or flagged for a person, with the reason.

        Exit codes:
          0   every field verified (or corrected by the rules)
          1   the page was read but some fields need review or are missing
          2   the image could not be read as a form (missing, damaged, not a form, wrong page)
          3   the reader, a template or the batch database could not be loaded
          5   eval --baseline: this run is worse than the baseline
          64  bad usage (unknown option, bad value, a file name that begins with a dash)
          130 batch interrupted by Ctrl-C (run it again to continue)

        File names that begin with a dash: put `--` before the file names (`scan-c1 scan -- -hal2.jpg`); without it `-hal2.jpg` would read as options.
        """,
        version: "0.1.0",
        subcommands: [ScanCommand.self, VerifyCommand.self, ReviewCommand.self, BatchCommand.self, ExportCommand.self, EvalCommand.self, DigitsCommand.self, TemplatesCommand.self, FuzzChecksCommand.self, IdentifyCommand.self],
        defaultSubcommand: ScanCommand.self
    )

    static func main() async {
        TesseractEngine.ensureSingleThreadedOpenMP(arguments: CommandLine.arguments)
        AllocatorTuning.keepPageBuffers()
        if let dashed = Self.dashedFileName(Array(CommandLine.arguments.dropFirst())) {
            exit(withError: ValidationError("'\(dashed)' is no option: if it is a file name, put -- before the file names (scan-c1 scan -- \(dashed)); options are written --name or -x"))
        }
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

extension ScanC1 {
    /// The first argument before `--` that begins with one dash and more than one letter
    /// (`-hal2.jpg`): the parser would read it as several short options (`-h` prints the help
    /// and exits 0 without reading anything); none of ours is written so.
    static func dashedFileName(_ arguments: [String]) -> String? {
        for a in arguments {
            if a == "--" { return nil }
            if a.hasPrefix("-") && !a.hasPrefix("--") && a.count > 2 && a != "-help"
                && !a.contains(where: \.isWhitespace) && Double(a) == nil { return a }
        }
        return nil
    }
}

/// Documented exit codes.
enum Exit {
    static let ok: Int32 = 0
    static let needsReview: Int32 = 1
    static let badInput: Int32 = 2
    static let setupFailed: Int32 = 3
    static let regression: Int32 = 5
    static let interrupted: Int32 = 130
}

/// Options shared by the commands that read pages.
struct ReaderOptions: ParsableArguments {
    @Option(name: .long, help: "Folder of template JSON files (default: the templates shipped with the tool).")
    var templates: String?

    @Option(name: .long, help: "Folder holding the Tesseract model (default: shipped model, then the system tessdata).")
    var modelDir: String?

    @Option(name: .long, help: "Largest image accepted, in pixels.")
    var maxPixels: Int = 64_000_000

    @Option(name: .long, help: ArgumentHelp(
        "When Tesseract reads a box: always, or where-needed (the classifier reads every box; Tesseract reads all but the boxes the classifier is sure of in numbers a sum confirms, where its opinion cannot change a value or status).",
        valueName: "always|where-needed"))
    var secondReading: SecondReading = .whereNeeded

    func validate() throws {
        if maxPixels < 1_000_000 { throw ValidationError("--max-pixels must be at least 1000000") }
    }

    /// Builds the box readers, or exits with a clear message and code 3.
    func makeBoxReader() throws -> BoxReader {
        do { return try BoxReader(models: ModelLocator(directory: modelDir)) } catch {
            Diagnostics.error(error.description)
            throw ExitCode(Exit.setupFailed)
        }
    }

    /// Builds the scanner, or exits with a clear message and code 3.
    func makeScanner() throws -> PageScanner {
        let store: TemplateStore
        do { store = try TemplateStore(directory: templates) } catch {
            Diagnostics.error(error.description)
            throw ExitCode(Exit.setupFailed)
        }
        return PageScanner(store: store, reader: try makeBoxReader(), loader: ImageLoader(maxPixels: maxPixels),
                           secondReading: secondReading)
    }
}

extension SecondReading: ExpressibleByArgument {}
extension StationChecker.Grouping: ExpressibleByArgument {}

enum Diagnostics {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("scan-c1: error: \(message)\n".utf8))
    }
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("scan-c1: \(message)\n".utf8))
    }
}

func jsonString<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
}
