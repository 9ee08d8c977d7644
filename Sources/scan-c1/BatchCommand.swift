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
        Resumable: running again skips images already read (by content, so renamed or copied files are linked as duplicates, not read again). Killing it at any moment loses at most the pages in flight; Ctrl-C finishes them and stops. Bad files become rows with a reason, each its own; hidden files and files that are plainly not images (documents, archives, videos) are skipped and counted. An image that crashes the reader is recorded as `crashed` by the next run, which reads the rest. One batch at a time per database: another one is refused, told which process holds it. Database schema: docs/batch-database.md. Export with `scan-c1 export --db PATH`.

        Exit codes: 0 every page verified and every station complete; 1 some pages or stations need review, or some stations lack a page of their form; 2 some images could not be read as forms (see the summary); 3 setup failed (models, templates, a database that is not scan-c1's or is damaged, another batch using it); 64 bad usage (no such folder, empty --db); 130 interrupted (run again to continue).
        """
    )

    @Argument(help: "Folders of photos and scans (read recursively), or image files (`batch k/*.jpg`).")
    var inputs: [String] = []

    @Option(help: "Database file (default: FOLDER.scan-c1.sqlite beside the folder given, or beside the folder of the first file).")
    var db: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Pages read at once, each with its own Tesseract engine (default: the number of cores, \(ProcessInfo.processInfo.activeProcessorCount) here).", valueName: "n"))
    var jobs: Int?

    var workers: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    @Flag(help: "Read again the images stored with other model or template versions, and the error rows (not `crashed` ones).")
    var rescan = false

    @Flag(help: "Read again the images stored as errors (a `crashed` one too, e.g. after an upgrade that fixes it).")
    var retryErrors = false

    @Option(name: .shortAndLong, help: "Template id, or 'auto' to identify each page.")
    var template: String = "auto"

    @Option(help: "How images form stations: 'name' (the file name less its page marker: TPS07-lembar1.jpg and TPS07-lembar2.jpg) or 'folder' (each folder is one station: TPS07/IMG_0001.jpg; which page an image is comes from the image).")
    var stations: StationChecker.Grouping = .name

    @Option(help: "With --stations name: regular expression for the page marker at the end of a file name; what is left names the station.")
    var stationPattern: String = StationChecker.defaultPagePattern

    @Flag(name: .shortAndLong, help: "No progress output, only the summary.")
    var quiet = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @OptionGroup var reader: ReaderOptions

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let db, db.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--db needs a file name") }
        // Checked before anything is created (the default database sits beside the folder).
        if inputs.isEmpty { throw ValidationError("give the folder of photos (or image files)") }
        for input in inputs where !FileManager.default.fileExists(atPath: input) { throw ValidationError("\(input): no such folder or file") }
        if (try? NSRegularExpression(pattern: stationPattern)) == nil { throw ValidationError("--station-pattern is not a valid regular expression") }
    }

    var databasePath: String {
        if let db { return db }
        var folder = inputs[0]
        var isDir: ObjCBool = false
        if inputs.count > 1 || !(FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) && isDir.boolValue) {
            folder = (folder as NSString).deletingLastPathComponent
            if folder.isEmpty { folder = FileManager.default.currentDirectoryPath }
        }
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
        let options = BatchOptions(folder: inputs[0], jobs: workers, rescan: rescan, templateID: template == "auto" ? nil : template,
                                   pagePattern: stationPattern, secondReading: reader.secondReading, retryErrors: retryErrors, inputs: inputs,
                                   stations: stations)
        let reader = self.reader
        let runner = BatchRunner(database: database, store: store, versions: versions, options: options) {
            PageScanner(store: store, reader: try BoxReader(models: ModelLocator(directory: reader.modelDir)),
                        loader: ImageLoader(maxPixels: reader.maxPixels), secondReading: options.secondReading)
        }
        let stop = StopRequest()
        let printer = ProgressPrinter(quiet: quiet)
        let interrupt = SignalWatcher(SIGINT) {
            stop.request()
            printer.stopRequested()
        }
        let summary: BatchSummary
        printer.begin()
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
        if !summary.stationsNeedingReview.isEmpty || !summary.incompleteStations.isEmpty { throw ExitCode(Exit.needsReview) }
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
    var incompleteStations: [[String: String]]
    var stale: Int
    var skippedByReason: [String: Int]
    var crashed: [String]

    init(_ s: BatchSummary, database: String) {
        self.database = database
        found = s.found; skipped = s.skipped; read = s.read; duplicates = s.duplicates; errors = s.errors
        interrupted = s.interrupted; seconds = (s.elapsed * 10).rounded() / 10
        pagesByStatus = s.pagesByStatus; errorsByKind = s.errorsByKind; stations = s.stations; stale = s.stale
        skippedByReason = Dictionary(s.skippedFiles.map { ($0.reason, 1) }, uniquingKeysWith: +)
        crashed = s.crashed
        stationsNeedingReview = s.stationsNeedingReview.map { ["station": $0.key, "status": $0.status.rawValue,
                                                                "pages": $0.paths.joined(separator: " | ")] }
        incompleteStations = s.incompleteStations.map { ["station": $0.key, "missing_pages": $0.missingPages.joined(separator: " | "),
                                                         "pages": $0.paths.joined(separator: " | ")] }
    }

    static func render(_ s: BatchSummary, database: String, errors: [(path: String, kind: String, text: String)]) -> String {
        var out: [String] = []
        out.append("\(s.found) files found: \(s.read) pages read, \(s.duplicates) duplicates linked, \(s.errors) errors, \(s.skipped) already done (\(String(format: "%.1f", s.elapsed)) s)")
        if s.interrupted { out.append("INTERRUPTED: run the same command again to continue") }
        if !s.skippedFiles.isEmpty {
            let reasons = Dictionary(s.skippedFiles.map { ($0.reason, 1) }, uniquingKeysWith: +)
            out.append("skipped: " + reasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                       + " (no row: hidden files and documents are not page images)")
            let named = s.skippedFiles.filter { $0.reason != FolderWalker.hidden }
            for f in named.prefix(20) { out.append("  [\(f.reason)] \(f.path)") }
            if named.count > 20 { out.append("  … and \(named.count - 20) more") }
        }
        for path in s.crashed {
            out.append("CRASHED: an earlier batch died while reading \(path): recorded as an error (crashed), not read again")
        }
        let statuses = FieldStatus.allCases.map { "\($0.rawValue) \(s.pagesByStatus[$0.rawValue] ?? 0)" }.joined(separator: ", ")
        out.append("pages in the database: \(statuses)")
        out.append("stations: \(s.stations), needing review: \(s.stationsNeedingReview.count), incomplete (pages missing): \(s.incompleteStations.count)")
        for st in s.stationsNeedingReview {
            let missing = st.missingPages.isEmpty ? "" : "  (pages missing: \(st.missingPages.joined(separator: ", ")))"
            out.append("  \(st.status.rawValue.uppercased())  \(st.key)\(missing)")
            for p in st.paths { out.append("      \(p)") }
        }
        let reviewed = Set(s.stationsNeedingReview.map(\.key))
        for st in s.incompleteStations where !reviewed.contains(st.key) {
            out.append("  INCOMPLETE  \(st.key)  (pages missing: \(st.missingPages.joined(separator: ", ")))")
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
        abstract: "Write one row per station from a batch database: every field, its status, the reasons, the failed rules.",
        discussion: """
        CSV: one column per field of the pages in the database (Lembar 1 then Lembar 2, the 2024 pages in order, plano sheets last) with its status beside it (`set-by-person` where a person set the number); a second header line gives each field's code on the form (I.A.1 L, V.C); `missing_pages` and the status `incomplete` mark a station lacking a page of its form; `reasons` says why each number needs a look. UTF-8 with a byte order mark, CRLF, cells a spreadsheet would run as formulas prefixed with '. JSON Lines: the same, one object per station (docs/batch-database.md).

        The file given with -o is written beside its final name and renamed into place when complete. A folder is never replaced, nor a file that is not an export of scan-c1 (unless --force).

        Exit codes: 0 written; 3 the database or templates cannot be used, another batch holds the database, or the file cannot be written; 64 bad usage (no such database, -o names a folder or a file that is not an export).
        """
    )

    @Option(help: "The batch database.")
    var db: String

    @Option(help: "csv (opens in a spreadsheet) or jsonl.")
    var format: String = "csv"

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    @Flag(help: "Replace the -o file even if it is not an export of scan-c1 (never a folder).")
    var force = false

    @Option(help: "Folder of template JSON files (default: the shipped templates).")
    var templates: String?

    func validate() throws {
        if StationExport.Format(rawValue: format) == nil { throw ValidationError("--format must be csv or jsonl") }
        if db.isEmpty { throw ValidationError("--db needs a file name") }
        if !FileManager.default.fileExists(atPath: db) { throw ValidationError("\(db): no such database (run `scan-c1 batch FOLDER` first)") }
        if let output { try OutputFile.check(output, force: force) }
    }

    func run() throws {
        do {
            let store = try TemplateStore(directory: templates)
            let database = try ScanDatabase(path: db)
            let (lock, _) = try DatabaseLock.acquire(databasePath: db, purpose: "export")
            defer { withExtendedLifetime(lock) {} }
            let format = StationExport.Format(rawValue: format)!
            // The fields of the pages in the database (a 2019 batch has no 2024 columns), and
            // their codes on the form in a second header line.
            let columns = StationExport.fieldColumns(store, present: try database.templatesPresent())
            let codes = StationExport.formCodes(store, columns: columns)
            // Written as the stations are rebuilt, one at a time: any number of stations fits.
            let file = try output.map { try OutputFile(target: $0) }
            let handle = file?.handle ?? FileHandle.standardOutput
            var failure: Error?
            func put(_ text: String) {
                guard failure == nil else { return }
                do { try handle.write(contentsOf: Data(text.utf8)) } catch { failure = error }
            }
            put(StationExport.header(format: format, columns: columns, codes: codes))
            try database.rebuildStations(store: store) { station in
                for row in StationExport.rows([station]) { put(StationExport.line(row, format: format, columns: columns)) }
            }
            if let failure {
                file?.discard()
                throw FormScanError.writeFailed(output ?? "standard output", reason: failure.localizedDescription)
            }
            try file?.commit()
        } catch let error as CustomStringConvertible & Error {
            Diagnostics.error(error.description)
            throw ExitCode(Exit.setupFailed)
        }
    }
}

/// A file written beside its final name (a unique temporary name in the same folder) and
/// renamed into place when complete: the target is replaced whole or not at all, and only if
/// it is a regular file (`check` refuses folders, devices and files that are not ours).
final class OutputFile {
    let target: String
    let temporary: String
    let handle: FileHandle
    private var finished = false

    /// Refuses (usage error) a target that must not be replaced.
    static func check(_ target: String, force: Bool) throws {
        if target.isEmpty { throw ValidationError("-o needs a file name") }
        let real = FolderWalker.realPath(target)
        var st = stat()
        if stat(real, &st) == 0 {
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                throw ValidationError("\(target) is a folder: give a file name (e.g. \((target as NSString).appendingPathComponent("stations.csv"))); a folder is never replaced")
            case S_IFREG:
                if st.st_size > 0 && !force && !isExport(real) {
                    throw ValidationError("\(target) exists and is not an export of scan-c1: choose another name, or --force to replace it")
                }
            default:
                throw ValidationError("\(target) is not a regular file (a device, pipe or socket): give a file name, or leave -o out to write to standard output")
            }
        }
        var isDir: ObjCBool = false
        let dir = (real as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: dir.isEmpty ? "." : dir, isDirectory: &isDir) || !isDir.boolValue {
            throw ValidationError("\(target): no such folder \(dir)")
        }
    }

    /// Whether a file begins as `scan-c1 export` writes it (CSV header, or a JSON Lines row).
    static func isExport(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let head = String(decoding: (try? h.read(upToCount: 64)) ?? Data(), as: UTF8.self)
        return head.hasPrefix("\u{FEFF}station,status,pages,templates") || head.hasPrefix(#"{"failed_rules":"#)
    }

    /// `keepingExtension`: the temporary name ends as the target does (`.x.png.AbC123.png`),
    /// for a writer that picks the format by the name.
    init(target: String, keepingExtension: Bool = false) throws {
        self.target = FolderWalker.realPath(target)
        let dir = (self.target as NSString).deletingLastPathComponent
        let ext = (self.target as NSString).pathExtension
        let suffix = keepingExtension && !ext.isEmpty ? "." + ext : ""
        var template = Array(((dir.isEmpty ? "." : dir) + "/." + (self.target as NSString).lastPathComponent + ".XXXXXX" + suffix).utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, Int32(suffix.utf8.count)) }
        guard fd >= 0 else { throw FormScanError.writeFailed(target, reason: String(cString: strerror(errno))) }
        fchmod(fd, 0o644)
        temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// Flushes to disk and renames into place.
    func commit() throws {
        do { try handle.synchronize(); try handle.close() } catch {
            discard()
            throw FormScanError.writeFailed(target, reason: error.localizedDescription)
        }
        guard rename(temporary, target) == 0 else {
            let why = String(cString: strerror(errno))
            discard()
            throw FormScanError.writeFailed(target, reason: why)
        }
        finished = true
    }

    func discard() {
        try? handle.close()
        unlink(temporary)
        finished = true
    }

    deinit { if !finished { unlink(temporary) } }
}
