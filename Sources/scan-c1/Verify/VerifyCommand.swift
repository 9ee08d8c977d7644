import ArgumentParser
import Batch
import DigitReader
import FormScan
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the pages of one polling station: a verdict first, then every field with its rules.",
        discussion: """
        For PPK staff checking a station's certificate photos against the recap they typed. Report in Indonesian (default) or English (--lang en).

        Examples:
          scan-c1 verify tps07-lembar1.jpg tps07-lembar2.jpg
          scan-c1 verify tps07-*.jpg --expect rekap.csv --annotate tps07.png
          scan-c1 verify tps07-*.jpg --set suara_paslon_02=188 --reason "dibaca dari plano" --db batch.sqlite

        --expect compares only what it names: a name that is no field of the pages, an empty file, a header without fields or an export whose rows are all other stations' is an error (64), never "all consistent". Recap files: field,value lines (or field;value, as a spreadsheet in Indonesian saves them), or `scan-c1 export` CSV; at most 1 MB.

        Exit codes: 0 all consistent and matching the recap; 1 some fields need a look, differ from the recap, or pages are missing; 2 an image could not be read as a form, or the --annotate pictures could not be written (the report is printed first); 3 setup failed (or the --db database cannot be used); 64 bad usage.
        """
    )

    @Argument(help: "The station's page images (one per page of the form).")
    var images: [String]

    @Option(name: .shortAndLong, help: "Template id for every image, or 'auto'.")
    var template: String = "auto"

    @Option(help: "Report language: id (Indonesian) or en.")
    var lang: String = "id"

    @Option(help: "Recap values to compare: a CSV file (field,value lines, or a row of `scan-c1 export`), or field=value. Repeatable.")
    var expect: [String] = []

    @Option(name: .customLong("set"), help: "A person's correction, field=value (or template.field=value). Repeatable.")
    var corrections: [String] = []

    @Option(help: "Why the correction was made (stored with it).")
    var reason: String = "set with scan-c1 verify"

    @Option(help: "Batch database to store the corrections in (see docs/batch-database.md).")
    var db: String?

    @Option(help: "Write annotated pictures: OUT.png or OUT.jpg (one per page, plus OUT-review for the fields to check).")
    var annotate: String?

    @Flag(help: "Print JSON instead of the report.")
    var json = false

    @OptionGroup var reader: ReaderOptions

    func validate() throws {
        if images.isEmpty { throw ValidationError("give the page images of one station") }
        if VerifyText.Language(rawValue: lang) == nil { throw ValidationError("--lang must be id or en") }
        for c in corrections where Correction(c) == nil { throw ValidationError("--set '\(c)': expected field=value with a number from 0 to 999") }
        if let annotate, ![".png", ".jpg", ".jpeg"].contains(where: annotate.lowercased().hasSuffix) {
            throw ValidationError("--annotate must name a .png or .jpg file")
        }
        if db != nil && corrections.isEmpty { throw ValidationError("--db stores corrections: give them with --set field=value") }
        if let db, db.isEmpty { throw ValidationError("--db needs a file name") }
    }

    /// The recap values given with --expect, checked against every template's fields.
    func expectation(store: TemplateStore) throws -> Expectation {
        var expectation = Expectation()
        do {
            for e in expect {
                if e.contains("=") && !FileManager.default.fileExists(atPath: e) {
                    let (f, v) = try Expectation.pair(e)
                    expectation.merge(Expectation(values: [f: v]))
                } else {
                    let station = (StationChecker.stationKey(for: images[0]) as NSString).lastPathComponent
                    expectation.merge(try Expectation.file(e, station: station))
                }
            }
        } catch {
            throw ValidationError(error.description)
        }
        let unknown = expectation.unknownNames(in: store)
        if !unknown.isEmpty {
            let known = store.templates.flatMap { $0.template.fields.map(\.id) }
            throw ValidationError(Expectation.ParseError.unknownFields(unknown, known: Array(NSOrderedSet(array: known)) as! [String]).description)
        }
        return expectation
    }

    func run() throws {
        let scanner = try reader.makeScanner()
        let text = VerifyText(lang: VerifyText.Language(rawValue: lang)!)
        var expectation = try self.expectation(store: scanner.store)
        var scanned: [(result: PageResult, page: GrayImage)] = []
        var failed = false
        for path in images {
            do { scanned.append(try scanner.scanKeepingPage(path: path, templateID: template)) } catch {
                Diagnostics.error(error.description)
                failed = true
            }
        }
        if failed { throw ExitCode(Exit.badInput) }
        do { expectation = try expectation.checked(against: scanned.map(\.result)) } catch {
            throw ValidationError(error.description)
        }
        let verification: StationVerification
        do {
            verification = try StationVerifier(store: scanner.store).verify(
                scanned.map(\.result), corrections: corrections.compactMap(Correction.init), expectation: expectation)
        } catch {
            throw ValidationError(error.description)
        }
        // The report first: a picture or database that cannot be written does not hide it.
        if json {
            print(jsonString(verification))
        } else {
            print(VerifyReport.render(verification, text: text, color: isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil))
        }
        fflush(nil)
        if let annotate { try writePictures(annotate, verification, scanned, store: scanner.store, text: text) }
        if let db { try store(db, verification, scanned.map(\.result), store: scanner.store, text: text) }
        if verification.verdict != .consistent || !verification.mismatches.isEmpty { throw ExitCode(Exit.needsReview) }
    }

    func writePictures(_ out: String, _ v: StationVerification, _ scanned: [(result: PageResult, page: GrayImage)],
                       store: TemplateStore, text: VerifyText) throws {
        let ext = (out as NSString).pathExtension, stem = (out as NSString).deletingPathExtension
        let annotator = Annotator(words: text.pictureWords)
        var sheetItems: [(result: PageResult, upright: GrayImage, template: LoadedTemplate)] = []
        do {
            for (i, page) in v.pages.enumerated() {
                let template = try store.template(page.template)
                let upright = Annotator.upright(scanned[i].page, transform: page.registration.transform, template: template.template)
                let picture = annotator.page(page, upright: upright, template: template, heading: [text.verdict(v)])
                let path = v.pages.count == 1 ? out : "\(stem)-\(page.template).\(ext)"
                try ImageWriter.write(picture, to: path)
                Diagnostics.note("\(text.wrote) \(path)")
                sheetItems.append((page, upright, template))
            }
            if let sheet = annotator.reviewSheet(sheetItems) {
                let path = "\(stem)-review.\(ext)"
                try ImageWriter.write(sheet, to: path)
                Diagnostics.note("\(text.wrote) \(path)")
            }
        } catch {
            Diagnostics.error(error.description)
            throw ExitCode(Exit.badInput)
        }
    }

    /// Stores the corrections with the machine's reading; pages not yet in the database are added.
    func store(_ path: String, _ v: StationVerification, _ machine: [PageResult], store: TemplateStore, text: VerifyText) throws {
        do {
            let database = try ScanDatabase(path: path)
            let (lock, _) = try DatabaseLock.acquire(databasePath: path, purpose: "verify")
            defer { withExtendedLifetime(lock) {} }
            let versions = Fingerprint.versions(tool: ScanC1.configuration.version, models: ModelLocator(directory: reader.modelDir), store: store)
            var runID: Int64?
            for page in machine {
                let mine = v.corrections.filter { $0.template == page.template }
                guard !mine.isEmpty else { continue }
                let hash = try ContentHash.file(page.file)
                var imageID = try database.pageImageID(contentHash: hash)
                if imageID == nil {
                    if runID == nil { runID = try database.startRun(folder: "verify", versions: versions, options: "{}") }
                    let real = FolderWalker.realPath(page.file)
                    let record = ImageRecord(path: real, contentHash: hash, size: nil, outcome: .page(page),
                                             station: StationChecker.stationKey(for: real))
                    imageID = try database.record(record, versions: versions, runID: runID!)
                }
                try database.addCorrections(imageID: imageID!, mine.map { ($0.field, $0.value, $0.originalValue, $0.originalStatus.rawValue) },
                                            reason: reason)
            }
            if let runID { try database.finishRun(runID, outcome: "finished") }
            try database.rebuildStations(store: store)
            Diagnostics.note("\(text.stored) \(path)")
        } catch let error as BatchError {
            Diagnostics.error(error.description)
            throw ExitCode(Exit.setupFailed)
        } catch {
            Diagnostics.error("\(error)")
            throw ExitCode(Exit.setupFailed)
        }
    }
}
