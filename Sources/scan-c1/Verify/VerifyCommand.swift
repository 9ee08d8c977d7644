import ArgumentParser
import Batch
import DigitReader
import FormScan
import Foundation

struct VerifyCommand: ParsableCommand {
    /// The help in the report's language: Indonesian unless `--lang en` is on the command line
    /// (argument-parser builds the help before parsing, so the command line is read directly).
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "verify",
            abstract: T("Periksa halaman-halaman satu TPS: keputusan dulu, lalu setiap isian dengan aturannya.",
                        "Check the pages of one polling station: a verdict first, then every field with its rules."),
            discussion: T("""
            Untuk petugas PPK yang memeriksa foto formulir satu TPS terhadap rekap yang mereka ketik. Laporan dalam bahasa Indonesia (bawaan) atau Inggris (--lang en; `scan-c1 verify --lang en --help` menampilkan bantuan ini dalam bahasa Inggris).

            Arti status:
              terverifikasi          dikonfirmasi oleh penjumlahan formulir
              dikoreksi oleh aturan  bacaan lain dipilih karena penjumlahan menuntutnya
              periksa                petugas harus melihat kotaknya (alasan di bawahnya)
              tidak terbaca          kotak tidak terbaca, semua kosong, atau di luar foto
            "Sama dengan rekap" berarti angka foto sama dengan angka rekap (--expect).

            Contoh:
              scan-c1 verify tps07-lembar1.jpg tps07-lembar2.jpg
              scan-c1 verify tps07-*.jpg --expect rekap.csv --annotate tps07.png
              scan-c1 verify tps07-*.jpg --set suara_paslon_02=188 --reason "dari plano"
              scan-c1 verify tps07-*.jpg --set suara_paslon_02=188 --db batch.sqlite

            --expect hanya membandingkan yang disebutnya: nama yang bukan isian halaman-halaman ini, berkas kosong, kepala tabel tanpa isian, atau hasil export yang semua barisnya milik TPS lain adalah kesalahan (64), tidak pernah "semua konsisten". Berkas rekap: baris isian,nilai (atau isian;nilai, seperti disimpan spreadsheet berbahasa Indonesia), atau CSV dari `scan-c1 export`; paling besar 1 MB.

            Kode keluar: 0 semua konsisten dan sama dengan rekap; 1 ada isian yang perlu dilihat, beda dengan rekap, atau halaman kurang; 2 gambar tidak dapat dibaca sebagai formulir, atau gambar --annotate tidak dapat disimpan (laporan dicetak lebih dulu); 3 persiapan gagal (templat, model, atau basis data --db tidak dapat dipakai); 64 pemakaian salah.
            """, """
            For PPK staff checking a station's certificate photos against the recap they typed. Report in Indonesian (default) or English (--lang en).

            Statuses: verified (confirmed by a sum of the form), corrected (another reading chosen because the sums demand it), review (a person must look; the reasons are given), missing (a box could not be read, all boxes are empty, or a box is outside the photo).

            Examples:
              scan-c1 verify tps07-lembar1.jpg tps07-lembar2.jpg
              scan-c1 verify tps07-*.jpg --expect rekap.csv --annotate tps07.png
              scan-c1 verify tps07-*.jpg --set suara_paslon_02=188 --reason "from the plano"
              scan-c1 verify tps07-*.jpg --set suara_paslon_02=188 --db batch.sqlite

            --expect compares only what it names: a name that is no field of the pages, an empty file, a header without fields or an export whose rows are all other stations' is an error (64), never "all consistent". Recap files: field,value lines (or field;value, as a spreadsheet in Indonesian saves them), or `scan-c1 export` CSV; at most 1 MB.

            Exit codes: 0 all consistent and matching the recap; 1 some fields need a look, differ from the recap, or pages are missing; 2 an image could not be read as a form, or the --annotate pictures could not be written (the report is printed first); 3 setup failed (or the --db database cannot be used); 64 bad usage.
            """)
        )
    }

    /// Whether the help is asked for in English (`--lang en` / `--lang=en` on the command line).
    static let englishHelp: Bool = {
        let a = CommandLine.arguments
        return a.contains("--lang=en") || zip(a, a.dropFirst()).contains { $0 == "--lang" && $1 == "en" }
    }()
    static func T(_ indonesian: String, _ english: String) -> String { englishHelp ? english : indonesian }

    @Argument(help: ArgumentHelp(T("Gambar halaman TPS (satu per halaman formulir).", "The station's page images (one per page of the form)."),
                                 valueName: T("gambar", "images")))
    var images: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp(T("Id templat untuk setiap gambar, atau 'auto' (lihat `scan-c1 templates`).",
                                                      "Template id for every image, or 'auto' (see `scan-c1 templates`)."), valueName: "id"))
    var template: String = "auto"

    @Option(help: ArgumentHelp(T("Bahasa laporan: id (Indonesia) atau en (Inggris).", "Report language: id (Indonesian) or en (English)."),
                               valueName: "id|en"))
    var lang: String = "id"

    @Option(help: ArgumentHelp(T("Nilai rekap untuk dibandingkan: berkas CSV (baris isian,nilai, atau baris dari `scan-c1 export`), atau isian=nilai. Boleh diulang.",
                                 "Recap values to compare: a CSV file (field,value lines, or a row of `scan-c1 export`), or field=value. Repeatable."),
                               valueName: T("berkas|isian=nilai", "file|field=value")))
    var expect: [String] = []

    @Option(name: .customLong("set"), help: ArgumentHelp(T("Koreksi oleh petugas, isian=nilai (atau templat.isian=nilai). Boleh diulang.",
                                                           "A person's correction, field=value (or template.field=value). Repeatable."),
                                                         valueName: T("isian=nilai", "field=value")))
    var corrections: [String] = []

    @Option(help: ArgumentHelp(T("Alasan koreksi, disimpan bersamanya (bawaan: \"\(VerifyText(lang: .id).defaultReason)\").",
                                 "Why the correction was made, stored with it (default: \"\(VerifyText(lang: .en).defaultReason)\")."),
                               valueName: T("alasan", "reason")))
    var reason: String?

    @Option(help: ArgumentHelp(T("Basis data batch tempat koreksi disimpan (lihat docs/batch-database.md).",
                                 "Batch database to store the corrections in (see docs/batch-database.md)."), valueName: T("berkas", "file")))
    var db: String?

    @Option(help: ArgumentHelp(T("Simpan gambar beranotasi: NAMA.png atau NAMA.jpg (satu per halaman, ditambah NAMA-review untuk isian yang perlu diperiksa).",
                                 "Write annotated pictures: OUT.png or OUT.jpg (one per page, plus OUT-review for the fields to check)."),
                               valueName: T("NAMA.png", "OUT.png")))
    var annotate: String?

    @Flag(help: ArgumentHelp(T("Cetak JSON (docs/result-schema.md, bagian verify) sebagai ganti laporan.",
                               "Print JSON (docs/result-schema.md, the verify section) instead of the report.")))
    var json = false

    @OptionGroup var reader: ReaderOptions

    var text: VerifyText { VerifyText(lang: VerifyText.Language(rawValue: lang) ?? .id) }

    func validate() throws {
        let t = text
        if images.isEmpty { throw ValidationError(t.id ? "beri gambar halaman satu TPS" : "give the page images of one station") }
        if VerifyText.Language(rawValue: lang) == nil { throw ValidationError("--lang: id (Indonesia) atau/or en (English)") }
        for c in corrections where Correction(c) == nil {
            throw ValidationError(t.id ? "--set '\(c)': diharapkan isian=nilai dengan angka 0 sampai 999"
                                       : "--set '\(c)': expected field=value with a number from 0 to 999")
        }
        if let annotate, ![".png", ".jpg", ".jpeg"].contains(where: annotate.lowercased().hasSuffix) {
            throw ValidationError(t.id ? "--annotate harus berakhiran .png atau .jpg" : "--annotate must name a .png or .jpg file")
        }
        if db != nil && corrections.isEmpty {
            throw ValidationError(t.id ? "--db menyimpan koreksi: beri koreksinya dengan --set isian=nilai"
                                       : "--db stores corrections: give them with --set field=value")
        }
        if let db, db.isEmpty { throw ValidationError(t.id ? "--db perlu nama berkas" : "--db needs a file name") }
    }

    /// An error for the user on stderr, in the report's language.
    func fail(_ error: any Error) { fail(text.error(error)) }
    func fail(_ message: String) { FileHandle.standardError.write(Data((text.errorPrefix + message + "\n").utf8)) }

    /// The scanner, as `ReaderOptions.makeScanner` builds it, with its errors in the report's language.
    func makeScanner() throws -> PageScanner {
        do {
            let store = try TemplateStore(directory: reader.templates)
            let boxReader = try BoxReader(models: ModelLocator(directory: reader.modelDir))
            return PageScanner(store: store, reader: boxReader, loader: ImageLoader(maxPixels: reader.maxPixels),
                               secondReading: reader.secondReading)
        } catch {
            fail(error)
            throw ExitCode(Exit.setupFailed)
        }
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
            fail(error)
            throw ExitCode(ExitCode.validationFailure.rawValue)
        }
        let unknown = expectation.unknownNames(in: store)
        if !unknown.isEmpty {
            let known = store.templates.flatMap { $0.template.fields.map(\.id) }
            fail(Expectation.ParseError.unknownFields(unknown, known: Array(NSOrderedSet(array: known)) as! [String]))
            throw ExitCode(ExitCode.validationFailure.rawValue)
        }
        return expectation
    }

    func run() throws {
        let scanner = try makeScanner()
        let text = self.text
        var expectation = try self.expectation(store: scanner.store)
        var scanned: [(result: PageResult, page: GrayImage)] = []
        var failed = false
        for path in images {
            do { scanned.append(try scanner.scanKeepingPage(path: path, templateID: template)) } catch {
                fail(error)
                failed = true
            }
        }
        if failed { throw ExitCode(Exit.badInput) }
        do { expectation = try expectation.checked(against: scanned.map(\.result)) } catch {
            fail(error)
            throw ExitCode(ExitCode.validationFailure.rawValue)
        }
        let verification: StationVerification
        do {
            verification = try StationVerifier(store: scanner.store).verify(
                scanned.map(\.result), corrections: corrections.compactMap(Correction.init), expectation: expectation)
        } catch {
            fail(error)
            throw ExitCode(ExitCode.validationFailure.rawValue)
        }
        // The report first: a picture or database that cannot be written does not hide it.
        if json {
            print(jsonString(verification))
        } else {
            let compared = VerifyReport.comparedCount(expectation, pages: verification.pages)
            print(VerifyReport.render(verification, text: text, color: isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil,
                                      width: TerminalWidth.columns(), recapCompared: compared))
        }
        fflush(nil)
        if let annotate { try writePictures(annotate, verification, scanned, store: scanner.store, text: text) }
        if let db { try store(db, verification, scanned.map(\.result), store: scanner.store, text: text) }
        if verification.verdict != .consistent || !verification.mismatches.isEmpty { throw ExitCode(Exit.needsReview) }
    }

    func writePictures(_ out: String, _ v: StationVerification, _ scanned: [(result: PageResult, page: GrayImage)],
                       store: TemplateStore, text: VerifyText) throws {
        let ext = (out as NSString).pathExtension, stem = (out as NSString).deletingPathExtension
        var annotator = Annotator(words: text.pictureWords)
        annotator.recap = Dictionary(v.mismatches.map { ($0.field, $0.expected) }, uniquingKeysWith: { a, _ in a })
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
            fail(error)
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
                                            reason: reason ?? text.defaultReason)
            }
            if let runID { try database.finishRun(runID, outcome: "finished") }
            try database.rebuildStations(store: store)
            Diagnostics.note("\(text.stored) \(path)")
        } catch {
            fail(error)
            throw ExitCode(Exit.setupFailed)
        }
    }
}
