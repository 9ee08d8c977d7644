import Batch
import DigitReader
import Foundation
import GRDB
import Testing
@testable import FormScan

/// Rows of a batch database, read back with plain SQL (what a user of the database would do).
struct Rows {
    let db: DatabaseQueue
    init(_ path: String) throws { db = try DatabaseQueue(path: path) }
    func images() throws -> [String: (outcome: String, kind: String?, duplicateOf: Int64?)] {
        try db.read { db in
            var out: [String: (String, String?, Int64?)] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT path, outcome, error_kind, duplicate_of FROM images") {
                out[(r["path"] as String as NSString).lastPathComponent] = (r["outcome"], r["error_kind"], r["duplicate_of"])
            }
            return out
        }
    }
    func integrity() throws -> String? { try db.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } }
    func count(_ sql: String) throws -> Int { try db.read { try Int.fetchOne($0, sql: sql) ?? 0 } }
    func values() throws -> [String: Int?] {
        try db.read { db in
            var out: [String: Int?] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT i.path, f.field, f.value FROM fields f JOIN images i ON i.id = f.image_id") {
                out[(r["path"] as String as NSString).lastPathComponent + "/" + (r["field"] as String)] = r["value"] as Int?
            }
            return out
        }
    }
}

@Suite("Batch: a folder into SQLite", .serialized)
struct BatchTests {
    /// Sample scans, a renamed copy, and every kind of bad input, in nested folders.
    static func mixedFolder() throws -> URL {
        let dir = BatchFixtures.scratch("mixed")
        let sub = dir.appendingPathComponent("phone/DCIM")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try BatchFixtures.copySample("aluebatee-01-lembar1.jpg", to: dir)
        try BatchFixtures.copySample("aluebatee-01-lembar2.jpg", to: dir)
        try BatchFixtures.copySample("aluebatee-01-lembar2.jpg", to: sub, as: "IMG_0001.jpg")  // same bytes, other name
        let fm = FileManager.default
        _ = fm.createFile(atPath: dir.appendingPathComponent("empty.jpg").path, contents: Data())
        let jpeg = try Data(contentsOf: BatchFixtures.kpu2019.appendingPathComponent("kubu-02-lembar2.jpg"))
        _ = fm.createFile(atPath: dir.appendingPathComponent("truncated.jpg").path, contents: jpeg.prefix(4000))
        _ = fm.createFile(atPath: dir.appendingPathComponent("notes.txt").path, contents: Data("not a photo\n".utf8))
        _ = fm.createFile(atPath: dir.appendingPathComponent("locked.jpg").path, contents: Data("locked".utf8), attributes: [.posixPermissions: 0])
        // A JPEG whose header claims 60000 x 60000 pixels.
        var huge = [UInt8](jpeg)
        if let i = (2..<huge.count - 9).first(where: { huge[$0] == 0xFF && (0xC0...0xC2).contains(huge[$0 + 1]) }) {
            huge[i + 5] = 0xEA; huge[i + 6] = 0x60; huge[i + 7] = 0xEA; huge[i + 8] = 0x60
        }
        _ = fm.createFile(atPath: dir.appendingPathComponent("huge.jpg").path, contents: Data(huge))
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("loop.jpg").path, withDestinationPath: "loop.jpg")
        try fm.createSymbolicLink(atPath: sub.appendingPathComponent("back").path, withDestinationPath: "../..")
        // A photo of another form (the 2014 certificate): not a known page.
        try fm.copyItem(at: BatchFixtures.kawalc1.appendingPathComponent("1386928-005381002001.jpg"), to: dir.appendingPathComponent("other-form.jpg"))
        return dir
    }

    @Test func mixedFolderGivesOneRowPerImageWithReasons() async throws {
        let dir = try Self.mixedFolder()
        let dbPath = dir.path + ".sqlite"
        try? FileManager.default.removeItem(atPath: dbPath)
        let db = try ScanDatabase(path: dbPath)
        let summary = try await BatchFixtures.runner(dir, db: db, jobs: 2).run()
        #expect(summary.read == 2)
        #expect(summary.duplicates == 1)

        let images = try Rows(dbPath).images()
        #expect(images.count == 10)
        #expect(images["aluebatee-01-lembar1.jpg"]?.outcome == "page")
        #expect(images["aluebatee-01-lembar2.jpg"]?.outcome == "page")
        #expect(images["IMG_0001.jpg"]?.outcome == "duplicate")
        #expect(images["IMG_0001.jpg"]?.duplicateOf != nil)
        #expect(images["empty.jpg"]?.kind == "empty")
        #expect(images["truncated.jpg"]?.kind == "truncated")
        // A document is skipped and listed, not an error row.
        #expect(images["notes.txt"] == nil)
        #expect(summary.skippedFiles.contains { $0.path.hasSuffix("/notes.txt") && $0.reason == FolderWalker.notAnImage })
        #expect(images["huge.jpg"]?.kind == "too-large")
        #expect(images["loop.jpg"]?.kind == "symlink-loop")
        #expect(images["back"]?.kind == "symlink-loop")
        #expect(["no-form", "wrong-page"].contains(images["other-form.jpg"]?.kind ?? ""))
        // root reads any file whatever its permissions; anyone else gets "unreadable"
        #expect(images["locked.jpg"]?.outcome == "error")
        if getuid() != 0 { #expect(images["locked.jpg"]?.kind == "unreadable") }

        // Every field of a page is stored, with its status; the station joins both sheets.
        let rows = try Rows(dbPath)
        #expect(try rows.count("SELECT count(*) FROM fields") == 34 + 5)
        #expect(try rows.count("SELECT count(*) FROM pages p LEFT JOIN fields f ON f.image_id = p.image_id WHERE f.field IS NULL") == 0)
        let stations = try rows.count("SELECT count(*) FROM stations")
        #expect(stations == 1)

        // Running again reads nothing; a renamed copy added later is linked, not read.
        try FileManager.default.copyItem(at: dir.appendingPathComponent("aluebatee-01-lembar1.jpg"),
                                         to: dir.appendingPathComponent("phone/renamed.jpg"))
        let again = try await BatchFixtures.runner(dir, db: db, jobs: 2).run()
        #expect(again.read == 0)
        #expect(again.duplicates == 1)
        #expect(again.skipped == (getuid() == 0 ? 10 : 9))  // an unreadable file is tried again each run
        #expect(try Rows(dbPath).images().count == 11)

        // Export: one row per station, every canonical field, the values of the pages.
        var rebuilt: [Station] = []
        try db.rebuildStations(store: BatchFixtures.store) { rebuilt.append($0) }
        let export = StationExport.rows(rebuilt)
        #expect(export.count == 1)
        let csv = StationExport.render(export, format: .csv, columns: StationExport.fieldColumns(BatchFixtures.store))
        let lines = csv.split(separator: "\r\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("pengguna_total_j,pengguna_total_j_status"))
        #expect(lines[0].contains("suara_total,suara_total_status"))
        let truth = try TruthFile.load(TruthFile.path(forImage: BatchFixtures.kpu2019.appendingPathComponent("aluebatee-01-lembar2.jpg").path))
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let cells = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let col = try #require(header.firstIndex(of: "suara_total"))
        if cells[col + 1] == "verified" { #expect(Int(cells[col]) == truth.fields["suara_total"]) }
    }

    @Test func killedMidwayAndRerunProcessesEveryImageExactlyOnce() async throws {
        let dir = BatchFixtures.scratch("killed")
        for name in ["aluebatee-01-lembar1.jpg", "aluebatee-01-lembar2.jpg", "kubu-02-lembar2.jpg", "cotbuloh-02-lembar2.jpg"] {
            try BatchFixtures.copySample(name, to: dir)
        }
        let dbPath = dir.path + ".sqlite"
        try? FileManager.default.removeItem(atPath: dbPath)
        func spawn() throws -> Process {
            let p = Process()
            p.executableURL = BatchFixtures.tool
            p.arguments = ["batch", dir.path, "--db", dbPath, "--jobs", "1", "--quiet"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        // Kill it with SIGKILL as soon as the first page is in the database.
        let first = try spawn()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: dbPath),
               let n = try? Rows(dbPath).count("SELECT count(*) FROM images"), n >= 1 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let before = try Rows(dbPath).count("SELECT count(*) FROM images")
        #expect(before >= 1 && before < 4, "killed after \(before) of 4 images")

        let second = try spawn()
        second.waitUntilExit()
        #expect([0, 1].contains(second.terminationStatus))
        let rows = try Rows(dbPath)
        #expect(try rows.count("SELECT count(*) FROM images") == 4)
        #expect(try rows.count("SELECT count(DISTINCT path) FROM images") == 4)
        #expect(try rows.count("SELECT count(*) FROM pages") == 4)
        #expect(try rows.count("SELECT count(*) FROM (SELECT image_id, count(*) AS n FROM fields GROUP BY image_id) WHERE n NOT IN (5, 34)") == 0)
        #expect(try rows.integrity() == "ok")

        // Same pages as the two-worker run above: the same values, whatever --jobs was.
        let one = try Rows(dbPath).values()
        // (the mixed-folder test above, same suite, serialized; its database sits beside its folder)
        let mixed = FileManager.default.temporaryDirectory.appendingPathComponent("scan-c1-batch-\(getpid())-mixed").path + ".sqlite"
        if FileManager.default.fileExists(atPath: mixed) {
            let two = try Rows(mixed).values()
            #expect(two.keys.contains { one[$0] != nil }, "the two runs share pages to compare")
            for (key, value) in two where one[key] != nil { #expect(one[key]! == value, "\(key)") }
        }
    }

    @Test func aCorrectionIsStoredWithTheMachineReadingAndExported() throws {
        let dir = BatchFixtures.scratch("correct")
        try BatchFixtures.copySample("kubu-02-lembar1.jpg", to: dir)
        try BatchFixtures.copySample("kubu-02-lembar2.jpg", to: dir)
        let dbPath = dir.path + ".sqlite"
        try? FileManager.default.removeItem(atPath: dbPath)
        func tool(_ args: [String]) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = BatchFixtures.tool
            p.arguments = args
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = FileHandle.nullDevice
            try p.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        let pages = [dir.appendingPathComponent("kubu-02-lembar1.jpg").path, dir.appendingPathComponent("kubu-02-lembar2.jpg").path]
        let (code, report) = try tool(["verify"] + pages + ["--lang", "en", "--set", "pengguna_total_l=81", "--reason", "read from the plano", "--db", dbPath])
        #expect([0, 1].contains(code))
        #expect(report.contains("Corrections by a person:"))
        let rows = try Rows(dbPath)
        let log = try rows.db.read { db in try Row.fetchAll(db, sql: "SELECT field, value, original_value, original_status, reason FROM corrections") }
        #expect(log.count == 1)
        #expect(log.first?["field"] as String? == "pengguna_total_l")
        #expect(log.first?["value"] as Int? == 81)
        #expect(log.first?["reason"] as String? == "read from the plano")
        let machine = try rows.db.read { db in try Int.fetchOne(db, sql: "SELECT value FROM fields WHERE field = 'pengguna_total_l'") }
        #expect(log.first?["original_value"] as Int? == machine)  // the machine reading is kept, not overwritten
        let (exportCode, jsonl) = try tool(["export", "--db", dbPath, "--format", "jsonl"])
        #expect(exportCode == 0)
        #expect(jsonl.contains(#""pengguna_total_l":{"reasons":["set by a person to 81"#))
        // Indonesian by default, the checks' reasons too.
        let (_, laporan) = try tool(["verify"] + pages + ["--set", "pengguna_total_l=81"])
        #expect(laporan.contains("Koreksi oleh petugas:"))
        #expect(laporan.contains("diisi petugas: 81"))
        // Bad usage is refused before anything is read.
        #expect(try tool(["verify", pages[0], "--set", "pengguna_total_l=abc"]).0 == 64)
    }

    @Test func pagesReadWithOtherModelsAreReadAgainOnlyWithRescan() async throws {
        let dir = BatchFixtures.scratch("rescan")
        try BatchFixtures.copySample("kubu-02-lembar2.jpg", to: dir)
        let dbPath = dir.path + ".sqlite"
        try? FileManager.default.removeItem(atPath: dbPath)
        let db = try ScanDatabase(path: dbPath)
        let store = BatchFixtures.store
        func runner(reader: String, rescan: Bool) -> BatchRunner {
            BatchRunner(database: db, store: store, versions: Versions(tool: "test", reader: reader, templates: "t"),
                        options: BatchOptions(folder: dir.path, jobs: 1, rescan: rescan)) {
                PageScanner(store: store, reader: try BoxReader())
            }
        }
        #expect(try await runner(reader: "model-a", rescan: false).run().read == 1)
        // New models: nothing is read again by default, but the summary says how many are stale.
        let plain = try await runner(reader: "model-b", rescan: false).run()
        #expect(plain.read == 0)
        #expect(plain.stale == 1)
        let again = try await runner(reader: "model-b", rescan: true).run()
        #expect(again.read == 1)
        #expect(again.stale == 0)
        #expect(try Rows(dbPath).count("SELECT count(*) FROM images") == 1)
        #expect(try Rows(dbPath).count("SELECT count(*) FROM runs") == 3)
    }
}
