import Batch
import Foundation
import GRDB
import Testing
@testable import FormScan

/// Phone folders: `TPS07/IMG_0001.jpg` — each folder one station, the page told by the image;
/// a station lacking a page is flagged in the summary and the export.
@Suite("Batch: stations from folders, incomplete stations, the export's columns", .serialized)
struct StationsByFolderTests {
    /// TPS07 holds both pages of kubu-02 under phone names; TPS08 only Lembar 2 of aluebatee-01.
    static func phoneFolders() throws -> URL {
        let dir = BatchFixtures.scratch("phone-folders")
        let tps07 = dir.appendingPathComponent("TPS07"), tps08 = dir.appendingPathComponent("TPS08")
        for d in [tps07, tps08] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        try BatchFixtures.copySample("kubu-02-lembar2.jpg", to: tps07, as: "IMG_0001.jpg")
        try BatchFixtures.copySample("kubu-02-lembar1.jpg", to: tps07, as: "IMG-20190417-WA0003.jpg")
        try BatchFixtures.copySample("aluebatee-01-lembar2.jpg", to: tps08, as: "IMG_0002.jpg")
        return dir
    }

    @Test func eachFolderIsAStationAndOneLackingAPageIsFlagged() throws {
        let dir = try Self.phoneFolders()
        let db = dir.path + ".scan-c1.sqlite"
        try? FileManager.default.removeItem(atPath: db)
        let run = try BatchFixtures.run(["batch", dir.path, "--stations", "folder", "--jobs", "2", "--quiet", "--db", db])
        // TPS08 lacks Lembar 1: not "needing review: 0" and exit 0.
        #expect(run.code == 1, "\(run.err)")
        #expect(run.out.contains("stations: 2,"), "\(run.out)")
        #expect(run.out.contains("incomplete (pages missing): 1"), "\(run.out)")
        #expect(run.out.contains("INCOMPLETE  \(FolderWalker.resolved(dir.appendingPathComponent("TPS08").path))  (pages missing: c1-ppwp-2019-lembar1)")
                || run.out.contains("(pages missing: c1-ppwp-2019-lembar1)"), "\(run.out)")

        let rows = try Rows(db)
        let stations = try rows.db.read { db in
            try Row.fetchAll(db, sql: "SELECT key, missing_pages, station_rules FROM stations ORDER BY key")
                .map { (key: ($0["key"] as String as NSString).lastPathComponent, missing: $0["missing_pages"] as String, rules: $0["station_rules"] as String) }
        }
        #expect(stations.map(\.key) == ["TPS07", "TPS08"])
        #expect(stations[0].missing == "[]")
        #expect(stations[1].missing == #"["c1-ppwp-2019-lembar1"]"#)
        // The rules across the pages ran on the folder's two photos (V.C = I.B.4 J).
        #expect(stations[0].rules.contains("pengguna_total_j"), "\(stations[0].rules)")

        // The export: only 2019 columns, Lembar 1 before Lembar 2, the form's codes, the
        // incomplete station said so.
        let csvPath = dir.path + "-stations.csv"
        try? FileManager.default.removeItem(atPath: csvPath)
        let export = try BatchFixtures.run(["export", "--db", db, "-o", csvPath])
        #expect(export.code == 0, "\(export.err)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: csvPath))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))  // the byte order mark spreadsheets expect
        let csv = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(csv.hasPrefix("station,status,pages,templates,missing_pages,"))
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 4)  // header, codes, two stations
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let codes = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(codes.first == Expectation.formCodesRow)
        #expect(!header.contains("surat_suara_diterima_2024") && !header.contains { $0.hasPrefix("suara_partai") })
        #expect(!header.contains("suara_paslon_03"))  // a 2024 field: no 2024 page in the database
        let dpt = try #require(header.firstIndex(of: "pemilih_dpt_l")), total = try #require(header.firstIndex(of: "pengguna_total_j"))
        let sah = try #require(header.firstIndex(of: "suara_sah"))
        #expect(dpt < total && total < sah)
        #expect(codes[dpt] == "I.A.1 L")
        #expect(codes[total] == "I.B.4 J")
        #expect(codes[sah] == "V.A")
        #expect(header.suffix(2) == ["reasons", "failed_rules"])
        let tps08 = try #require(lines.first { $0.contains("TPS08") }).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(tps08[1] == StationExport.incompleteStatus)
        #expect(tps08[4] == "c1-ppwp-2019-lembar1")

        // The export is a recap `verify --expect` reads: the codes line is not a station.
        let key = try #require(lines.first { $0.contains("TPS07") }?.split(separator: ",").first.map(String.init))
        let expected = try Expectation.file(csvPath, station: key)
        #expect(expected.values["suara_sah"] != nil)
        #expect(expected.values["missing_pages"] == nil && expected.values["reasons"] == nil)

        // The same folder by file names: each photo its own station, nothing read again.
        let again = try BatchFixtures.run(["batch", dir.path, "--quiet", "--db", db])
        #expect(again.out.contains("0 pages read"), "\(again.out)")
        #expect(again.out.contains("stations: 3,"), "\(again.out)")
        #expect(again.out.contains("incomplete (pages missing): 3"), "\(again.out)")
    }

    @Test func formCodesAreWhatThePagePrints() throws {
        let store = BatchFixtures.store
        func code(_ template: String, _ field: String) throws -> String? { try store.template(template).template.field(field)?.formCode }
        #expect(try code("c1-ppwp-2019-lembar1", "pemilih_dpt_p") == "I.A.1 P")
        #expect(try code("c1-ppwp-2019-lembar1", "surat_suara_digunakan") == "III.4")
        #expect(try code("c1-ppwp-2019-lembar2", "suara_paslon_02") == "IV.02")
        #expect(try code("c-hasil-ppwp-2024-hal1", "pengguna_dpk_j") == "I.B.3 J")
        #expect(try code("c1-plano-dpr-2019", "suara_calon_08") == "A.2 8")
        #expect(try code("c1-plano-dpr-2019", "suara_total_partai") == "B")
        // Every field of every template has one, and no two fields of a page share it.
        for t in store.templates {
            let codes = t.template.fields.map(\.formCode)
            #expect(!codes.contains(nil), "\(t.id)")
            #expect(Set(codes.compactMap { $0 }).count == codes.count, "\(t.id): \(codes)")
        }
    }
}
