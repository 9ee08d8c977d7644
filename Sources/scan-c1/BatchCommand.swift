import ArgumentParser
import Batch
import DigitReader
import FormScan
import Foundation

struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Read every image under a folder (recursively) into an SQLite database.",
        discussion: """
        Resumable: running again skips images already read (by content, so renamed or copied files are linked as duplicates, not read again). Killing it at any moment loses at most the pages in flight; Ctrl-C finishes them and stops. Bad files become rows with a reason. Database schema: docs/batch-database.md. Export with `scan-c1 export --db PATH`.

        Exit codes: 0 every page verified; 1 some pages or stations need review; 2 some images could not be read as forms (see the summary); 3 setup failed (models, templates, database); 130 interrupted (run again to continue).
        """
    )

    @Argument(help: "Folder of photos and scans.")
    var folder: String

    @Option(help: "Database file (default: FOLDER.scan-c1.sqlite beside the folder).")
    var db: String?

    @Option(name: .shortAndLong, help: "Pages read at once, each with its own Tesseract engine; the default is the number of cores.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Read again the images stored with other model or template versions.")
    var rescan = false

    @Option(name: .shortAndLong, help: "Template id, or 'auto' to identify each page.")
    var template: String = "auto"

    @Option(help: "Regular expression for the page marker at the end of a file name; what is left names the station.")
    var stationPattern: String = StationChecker.defaultPagePattern

    @Flag(name: .shortAndLong, help: "No progress output, only the summary.")
    var quiet = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @OptionGroup var reader: ReaderOptions

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if (try? NSRegularExpression(pattern: stationPattern)) == nil { throw ValidationError("--station-pattern is not a valid regular expression") }
    }

    var databasePath: String {
        if let db { return db }
        let trimmed = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        return trimmed + ".scan-c1.sqlite"
    }

    func run() async throws {
        let store: TemplateStore
        do { store = try TemplateStore(directory: reader.templates) } catch {
            Diagnostics.error(error.description); throw ExitCode(Exit.setupFailed)
        }
        _ = try reader.makeBoxReader()  // fail early, with the model path, before touching the database
        let database: ScanDatabase
        do { database = try ScanDatabase(path: databasePath) } catch {
            Diagnostics.error(error.description); throw ExitCode(Exit.setupFailed)
        }
        let versions = Fingerprint.versions(tool: ScanC1.configuration.version, models: ModelLocator(directory: reader.modelDir), store: store)
        let options = BatchOptions(folder: folder, jobs: jobs, rescan: rescan, templateID: template == "auto" ? nil : template,
                                   pagePattern: stationPattern, secondReading: reader.secondReading)
        let reader = self.reader
        let runner = BatchRunner(database: database, store: store, versions: versions, options: options) {
            PageScanner(store: store, reader: try BoxReader(models: ModelLocator(directory: reader.modelDir)),
                        loader: ImageLoader(maxPixels: reader.maxPixels), secondReading: options.secondReading)
        }
        let stop = StopRequest()
        let interrupt = SignalWatcher(SIGINT) {
            stop.request()
            Diagnostics.note("interrupted: finishing the pages in flight (Ctrl-C again to stop at once)")
        }
        let printer = ProgressPrinter(quiet: quiet)
        let summary: BatchSummary
        do {
            summary = try await runner.run(stop: stop) { printer.update($0) }
        } catch let error as BatchError {
            printer.finish()
            Diagnostics.error(error.description)
            throw ExitCode(Exit.setupFailed)
        }
        printer.finish()
        interrupt.cancel()
        if json {
            print(jsonString(BatchReport(summary, database: databasePath)))
        } else {
            let errors: [(path: String, kind: String, text: String)]
            do { errors = try database.errors() } catch {
                Diagnostics.error(error.description)
                throw ExitCode(Exit.setupFailed)
            }
            print(BatchReport.render(summary, database: databasePath, errors: errors))
        }
        if summary.interrupted { throw ExitCode(Exit.interrupted) }
        if !summary.errorsByKind.isEmpty { throw ExitCode(Exit.badInput) }
        if !summary.stationsNeedingReview.isEmpty { throw ExitCode(Exit.needsReview) }
    }
}

/// The end-of-batch summary.
struct BatchReport: Encodable {
    var database: String
    var found: Int, skipped: Int, read: Int, duplicates: Int, errors: Int
    var interrupted: Bool
    var seconds: Double
    var pagesByStatus: [String: Int]
    var errorsByKind: [String: Int]
    var stations: Int
    var stationsNeedingReview: [[String: String]]
    var stale: Int

    init(_ s: BatchSummary, database: String) {
        self.database = database
        found = s.found; skipped = s.skipped; read = s.read; duplicates = s.duplicates; errors = s.errors
        interrupted = s.interrupted; seconds = (s.elapsed * 10).rounded() / 10
        pagesByStatus = s.pagesByStatus; errorsByKind = s.errorsByKind; stations = s.stations; stale = s.stale
        stationsNeedingReview = s.stationsNeedingReview.map { ["station": $0.key, "status": $0.status.rawValue,
                                                                "pages": $0.paths.joined(separator: " | ")] }
    }

    static func render(_ s: BatchSummary, database: String, errors: [(path: String, kind: String, text: String)]) -> String {
        var out: [String] = []
        out.append("\(s.found) files found: \(s.read) pages read, \(s.duplicates) duplicates linked, \(s.errors) errors, \(s.skipped) already done (\(String(format: "%.1f", s.elapsed)) s)")
        if s.interrupted { out.append("INTERRUPTED: run the same command again to continue") }
        let statuses = FieldStatus.allCases.map { "\($0.rawValue) \(s.pagesByStatus[$0.rawValue] ?? 0)" }.joined(separator: ", ")
        out.append("pages in the database: \(statuses)")
        out.append("stations: \(s.stations), needing review: \(s.stationsNeedingReview.count)")
        for st in s.stationsNeedingReview {
            out.append("  \(st.status.rawValue.uppercased())  \(st.key)")
            for p in st.paths { out.append("      \(p)") }
        }
        if !s.errorsByKind.isEmpty {
            out.append("images that are not readable pages, by kind: " + s.errorsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            for e in errors.prefix(50) { out.append("  [\(e.kind)] \(e.text)") }
            if errors.count > 50 { out.append("  … and \(errors.count - 50) more (see the images table)") }
        }
        if s.stale > 0 { out.append("\(s.stale) images were read with other models or templates: run with --rescan to read them again") }
        out.append("database: \(database)")
        return out.joined(separator: "\n")
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write one row per station from a batch database: every field, its status, the failed rules."
    )

    @Option(help: "The batch database.")
    var db: String

    @Option(help: "csv (opens in a spreadsheet) or jsonl.")
    var format: String = "csv"

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    @Option(help: "Folder of template JSON files (default: the shipped templates).")
    var templates: String?

    func validate() throws {
        if StationExport.Format(rawValue: format) == nil { throw ValidationError("--format must be csv or jsonl") }
        if !FileManager.default.fileExists(atPath: db) { throw ValidationError("\(db): no such database (run `scan-c1 batch FOLDER` first)") }
    }

    func run() throws {
        do {
            let store = try TemplateStore(directory: templates)
            let database = try ScanDatabase(path: db)
            let format = StationExport.Format(rawValue: format)!
            let columns = StationExport.fieldColumns(store)
            // Written as the stations are rebuilt, one at a time: any number of stations fits.
            // A file is written beside its final name and moved there when complete.
            let temporary = output.map { $0 + ".partial" }
            let handle: FileHandle
            if let temporary {
                guard FileManager.default.createFile(atPath: temporary, contents: nil),
                      let h = FileHandle(forWritingAtPath: temporary) else {
                    throw FormScanError.writeFailed(temporary, reason: "cannot create the file")
                }
                handle = h
            } else {
                handle = FileHandle.standardOutput
            }
            handle.write(Data(StationExport.header(format: format, columns: columns).utf8))
            try database.rebuildStations(store: store) { station in
                for row in StationExport.rows([station]) {
                    handle.write(Data(StationExport.line(row, format: format, columns: columns).utf8))
                }
            }
            if let temporary, let output {
                try? handle.close()
                do {
                    _ = try? FileManager.default.removeItem(atPath: output)
                    try FileManager.default.moveItem(atPath: temporary, toPath: output)
                } catch {
                    throw FormScanError.writeFailed(output, reason: error.localizedDescription)
                }
            }
        } catch let error as CustomStringConvertible & Error {
            Diagnostics.error(error.description)
            throw ExitCode(Exit.setupFailed)
        }
    }
}
