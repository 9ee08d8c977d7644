import ArgumentParser
import FormScan
import Foundation
import ReviewServer

struct ReviewCommand: AsyncParsableCommand {
    /// The help in the page's language: Indonesian unless `--lang en` is on the command line
    /// (as `verify` does).
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "review",
            abstract: T("Halaman periksa: halaman web lokal tempat petugas menjawab setiap angka yang ditandai, dengan papan ketik.",
                        "The review page: a local web page where a person answers every flagged number, keyboard first."),
            discussion: T("""
            Menyajikan basis data batch (--db) atau gambar halaman satu TPS di 127.0.0.1 dan mencetak alamatnya dengan token akses sebagai baris pertama di stdout; buka di peramban di komputer ini. Bahasa Indonesia (bawaan; --lang en, atau tombol di halaman, untuk bahasa Inggris; `scan-c1 review --lang en --help` menampilkan bantuan ini dalam bahasa Inggris). Setiap jawaban disimpan di tabel corrections basis data dengan waktu, nama petugas dan bacaan mesin.

            --double-entry: dua orang menjawab setiap isian sendiri-sendiri (orang kedua tidak melihat jawaban orang pertama); angka berlaku hanya jika keduanya sama, jika berbeda isian masuk tinjauan ketiga (orang ketiga melihat kedua entri dan memutuskan). Kedua entri dan tinjauan ketiga berasal dari tiga nama yang berbeda.

            --expect: nilai rekap ditampilkan di samping bacaan di setiap layar isian, beserta apakah sama (dibaca seperti `verify --expect`: baris isian,nilai, baris dari `scan-c1 export`, atau isian=nilai; dengan --db CSV dari `scan-c1 export` yang barisnya menyebut TPS).

            Contoh:
              scan-c1 review --db foto.scan-c1.sqlite
              scan-c1 review --db foto.scan-c1.sqlite --double-entry --expect rekap-export.csv
              scan-c1 review tps07-lembar1.jpg tps07-lembar2.jpg --db tps07.sqlite --port 8080 --expect rekap.csv

            Kode keluar: 0 dihentikan; 2 gambar tidak dapat dibaca sebagai formulir; 3 basis data, templat atau pembaca tidak dapat dimuat, atau port tidak dapat dipakai; 64 pemakaian salah (termasuk rekap yang tidak dapat dipakai).
            """, """
            Serves a batch database (--db) or one station's page images on 127.0.0.1 and prints the address with its access token as the first line on stdout; open it in a browser on this computer. Indonesian by default (--lang en, or the switch on the page). Every answer is stored in the database's corrections with the time, the person's name and the machine's reading.

            --double-entry: two people answer each field independently (the second does not see the first's answer); the number stands only when both agree, a disagreement goes to a third look (a third person sees both entries and decides). The two entries and the third look come from three different names.

            --expect: the recap's value is shown beside the readings on each field screen, and whether it agrees (read as `verify --expect` reads it: field,value lines, a row of `scan-c1 export`, or field=value; with --db a `scan-c1 export` CSV whose rows name the stations).

            Examples:
              scan-c1 review --db photos.scan-c1.sqlite
              scan-c1 review --db photos.scan-c1.sqlite --double-entry --expect rekap-export.csv
              scan-c1 review tps07-lembar1.jpg tps07-lembar2.jpg --db tps07.sqlite --port 8080 --expect rekap.csv

            Exit codes: 0 stopped; 2 an image could not be read as a form; 3 the database, a template or the reader could not be loaded, or the port cannot be used; 64 bad usage (a recap that cannot be used included).
            """)
        )
    }

    static func T(_ indonesian: String, _ english: String) -> String { VerifyCommand.T(indonesian, english) }

    @Argument(help: ArgumentHelp(T("Gambar halaman satu TPS (dibaca seperti oleh `verify`) sebagai ganti basis data batch.",
                                   "One station's page images (read like `verify` does) instead of a batch database."), valueName: T("gambar", "images")))
    var images: [String] = []

    @Option(help: ArgumentHelp(T("Basis data batch (docs/batch-database.md). Dengan gambar: tempat bacaan dan jawabannya disimpan (bawaan: berkas sementara).",
                                 "Batch database (docs/batch-database.md). With images: where their readings and the answers are stored (default: a temporary file)."),
                               valueName: T("berkas", "file")))
    var db: String?

    @Option(help: ArgumentHelp(T("Alamat yang didengarkan (bawaan hanya komputer ini; alamat lain membuka halaman ke jaringan).",
                                 "Address to listen on (default loopback only; another address opens the page to the network).")))
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp(T("Port (0: port yang bebas).", "Port (0: a free one).")))
    var port: Int = 0

    @Option(help: ArgumentHelp(T("Bahasa halaman: id (Indonesia) atau en (Inggris).", "Language of the page: id (Indonesian) or en."), valueName: "id|en"))
    var lang: String = "id"

    @Option(name: .shortAndLong, help: ArgumentHelp(T("Id templat untuk gambar, atau 'auto'.", "Template id for the images, or 'auto'."), valueName: "id"))
    var template: String = "auto"

    @Flag(help: ArgumentHelp(T("Entri ganda: dua orang menjawab setiap isian sendiri-sendiri; angka berlaku hanya jika keduanya sama, jika berbeda masuk tinjauan ketiga.",
                               "Double entry: two people answer each field independently; a value stands only when both agree, a disagreement goes to a third look.")))
    var doubleEntry = false

    @Option(help: ArgumentHelp(T("Nilai rekap yang ditampilkan di layar isian: berkas CSV (baris isian,nilai atau baris `scan-c1 export`; dengan --db baris export yang menyebut TPS), atau isian=nilai. Boleh diulang.",
                                 "Recap values shown on the field screens: a CSV file (field,value lines or `scan-c1 export` rows; with --db export rows naming the stations), or field=value. Repeatable."),
                               valueName: T("berkas|isian=nilai", "file|field=value")))
    var expect: [String] = []

    @OptionGroup var reader: ReaderOptions

    func validate() throws {
        if images.isEmpty && db == nil { throw ValidationError("give --db PATH (a batch database) or the page images of one station") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
        if ReviewText.Language(rawValue: lang) == nil { throw ValidationError("--lang must be id or en") }
    }

    func run() async throws {
        var o = ReviewSession.Options()
        (o.images, o.database, o.host, o.port, o.language, o.template) = (images, db, host, port, ReviewText.Language(rawValue: lang)!, template)
        (o.doubleEntry, o.expect, o.toolVersion) = (doubleEntry, expect, ScanC1.configuration.version)
        (o.templates, o.modelDir, o.maxPixels, o.secondReading) = (reader.templates, reader.modelDir, reader.maxPixels, reader.secondReading)
        do { try await ReviewSession(o).run() } catch {
            Diagnostics.error(error.description)
            switch error {
            case .badImage: throw ExitCode(Exit.badInput)
            case .badRecap: throw ExitCode(ExitCode.validationFailure.rawValue)
            case .setup: throw ExitCode(Exit.setupFailed)
            }
        }
    }
}
