import DigitReader
import Foundation
import GRDB
import Testing
@testable import Batch
@testable import FormScan

/// Issue 27: what crashes, kills, abuse and other programs' files must not do to a batch.
@Suite("Batch: crashes, locks, foreign files, bad files", .serialized)
struct RobustnessTests {
    static let fm = FileManager.default

    /// A folder of bad files only (nothing that takes seconds to read), and its database path.
    static func folder(_ name: String, files: [String: Data]) throws -> (URL, String) {
        let dir = BatchFixtures.scratch(name)
        for (n, data) in files { _ = fm.createFile(atPath: dir.appendingPathComponent(n).path, contents: data) }
        let db = dir.path + ".sqlite"
        for suffix in ["", "-wal", "-shm", "-lock"] { try? fm.removeItem(atPath: db + suffix) }
        return (dir, db)
    }

    // MARK: 2. a page that crashes the reader

    @Test func aPageThatCrashesTheReaderIsRecordedAsCrashedByTheNextRunWhichReadsTheRest() throws {
        let bad = try BatchFixtures.truncatedJPEG()
        let (dir, db) = try Self.folder("crash", files: ["a-crasher.jpg": bad + Data("x".utf8), "b-copy-of-crasher.jpg": bad + Data("x".utf8),
                                                         "c-truncated.jpg": bad, "d-empty.jpg": Data()])
        let args = ["batch", dir.path, "--db", db, "--jobs", "1", "--quiet"]
        // The reader crashes (a real SIGSEGV in the worker) when it starts on a-crasher.jpg.
        let first = try BatchFixtures.run(args, environment: [CrashWatch.testCrashVariable: "a-crasher.jpg"])
        #expect(first.signalled, "the first run crashed: \(first.code) \(first.err.prefix(300))")
        let rows = try Rows(db)
        #expect(try rows.count("SELECT count(*) FROM attempts WHERE path LIKE '%a-crasher.jpg'") == 1)  // committed before reading
        #expect(try rows.count("SELECT count(*) FROM runs WHERE outcome = 'running'") == 1)

        // The next run (without the crash) does not read it again, and reads everything else.
        let second = try BatchFixtures.run(args)
        #expect(second.code == 2, "\(second.err)")
        #expect(second.out.contains("CRASHED"))
        let images = try Rows(db).images()
        #expect(images["a-crasher.jpg"]?.kind == "crashed")
        #expect(images["b-copy-of-crasher.jpg"]?.kind == "crashed")  // same bytes: not read either
        #expect(images["c-truncated.jpg"]?.kind == "truncated")
        #expect(images["d-empty.jpg"]?.kind == "empty")
        #expect(try Rows(db).count("SELECT count(*) FROM attempts") == 0)
        #expect(try Rows(db).count("SELECT count(*) FROM runs WHERE outcome = 'running'") == 0)
        #expect(try Rows(db).count("SELECT count(*) FROM runs WHERE outcome = 'crashed'") == 1)

        // A third run reads nothing; --retry-errors reads the crashed image again (now fixed).
        let third = try BatchFixtures.run(args + ["--json"])
        #expect(third.out.contains(#""skipped" : 4"#), "\(third.out)")
        let retried = try BatchFixtures.run(args + ["--retry-errors"])
        #expect(retried.code == 2)
        #expect(try Rows(db).images()["a-crasher.jpg"]?.kind == "truncated")
    }

    @Test func aPageInFlightWhenTwoBatchesDiedIsCrashedButAKilledBatchsPageIsReadAgain() async throws {
        let bad = try BatchFixtures.truncatedJPEG()
        let (dir, dbPath) = try Self.folder("attempts", files: ["twice.jpg": bad, "once.jpg": bad + Data("1".utf8)])
        let db = try ScanDatabase(path: dbPath)
        let run = try db.startRun(folder: dir.path, versions: Versions(tool: "t", reader: "r", templates: "t"), options: "{}")
        // As a batch leaves them: started, never recorded (it was killed with SIGKILL: no crash note).
        try db.markStarted(path: dir.appendingPathComponent("twice.jpg").path, contentHash: ContentHash.bytes(bad), runID: run, slot: 0)
        try db.markStarted(path: dir.appendingPathComponent("once.jpg").path, contentHash: "x", runID: run, slot: 1)
        try db.attemptSurvived(dir.appendingPathComponent("twice.jpg").path)  // an earlier batch died reading it too
        let summary = try await BatchFixtures.runner(dir, db: db, jobs: 1).run()
        let images = try Rows(dbPath).images()
        #expect(images["twice.jpg"]?.kind == "crashed")
        #expect(images["once.jpg"]?.kind == "truncated")  // read again
        #expect(summary.crashed.count == 1)
        #expect(try Rows(dbPath).count("SELECT count(*) FROM runs WHERE outcome = 'killed'") == 1)
    }

    // MARK: 3. export never replaces a folder or a file that is not ours

    @Test func exportRefusesAFolderAndAForeignFileAndReplacesItsOwnWhole() throws {
        let (dir, db) = try Self.folder("export", files: ["empty.jpg": Data()])
        _ = try ScanDatabase(path: db)
        let out = dir.appendingPathComponent("out")
        try Self.fm.createDirectory(at: out, withIntermediateDirectories: true)
        _ = Self.fm.createFile(atPath: out.appendingPathComponent("keep.txt").path, contents: Data("mine".utf8))
        let folder = try BatchFixtures.run(["export", "--db", db, "-o", out.path])
        #expect(folder.code == 64)
        #expect(folder.err.contains("is a folder"))
        #expect(try Self.fm.contentsOfDirectory(atPath: out.path) == ["keep.txt"])

        let notes = out.appendingPathComponent("keep.txt").path
        let foreign = try BatchFixtures.run(["export", "--db", db, "-o", notes])
        #expect(foreign.code == 64)
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "mine")

        let csv = out.appendingPathComponent("stations.csv").path
        #expect(try BatchFixtures.run(["export", "--db", db, "-o", csv]).code == 0)
        #expect(try BatchFixtures.run(["export", "--db", db, "-o", csv]).code == 0)  // its own export: replaced
        #expect(try Data(contentsOf: URL(fileURLWithPath: csv)).starts(with: Data("\u{FEFF}station,status".utf8)))
        #expect(try Self.fm.contentsOfDirectory(atPath: out.path).sorted() == ["keep.txt", "stations.csv"])  // no temporary left
    }

    // MARK: 4. the bytes hashed are the bytes read

    @Test func aFileChangedAfterItWasHashedIsStoredUnderTheHashOfWhatWasRead() throws {
        let (dir, _) = try Self.folder("changed", files: ["page.jpg": try BatchFixtures.truncatedJPEG()])
        let path = dir.appendingPathComponent("page.jpg").path
        let planned = try ContentHash.file(path)
        // Changed between the hashing pass and the reading.
        let now = try BatchFixtures.truncatedJPEG(bytes: 5000)
        try now.write(to: URL(fileURLWithPath: path))
        let scanner = PageScanner(store: BatchFixtures.store, reader: try BoxReader())
        let record = BatchRunner.scan(scanner, path: path, hash: planned, size: 4000, templateID: nil, station: StationChecker.stationKey(for: path))
        #expect(record.contentHash == ContentHash.bytes(now))
        #expect(record.size == 5000)
    }

    // MARK: 7. one batch at a time

    @Test func aSecondBatchOnTheSameDatabaseIsToldWhichProcessHasIt() throws {
        let (dir, db) = try Self.folder("lock", files: ["empty.jpg": Data()])
        _ = try ScanDatabase(path: db)
        let (held, _) = try DatabaseLock.acquire(databasePath: db, purpose: "batch")
        let second = try BatchFixtures.run(["batch", dir.path, "--db", db, "--quiet"])
        #expect(second.code == 3)
        #expect(second.err.contains("another scan-c1 is using this database (batch pid \(getpid())"), "\(second.err)")
        #expect(try Rows(db).count("SELECT count(*) FROM runs") == 0)  // it did not start
        withExtendedLifetime(held) {}
    }

    @Test func batchesStartingTogetherOnAFreshDatabaseBothOpenIt() async throws {
        let (_, db) = try Self.folder("fresh", files: [:])
        // Several processes' worth of connections creating the schema at once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { _ = try ScanDatabase(path: db) } }
            try await group.waitForAll()
        }
        #expect(try Rows(db).count("SELECT count(*) FROM grdb_migrations") == Schema.migrations.count)
    }

    // MARK: 8. bad files are never duplicates

    @Test func eachBadFileIsItsOwnErrorRowEvenWithTheSameBytes() async throws {
        var files: [String: Data] = [:]
        for i in 0..<5 { files["empty-\(i).jpg"] = Data() }
        let cut = try BatchFixtures.truncatedJPEG()
        for i in 0..<3 { files["cut-\(i).jpg"] = cut }
        let (dir, dbPath) = try Self.folder("badcopies", files: files)
        let db = try ScanDatabase(path: dbPath)
        let summary = try await BatchFixtures.runner(dir, db: db, jobs: 2).run()
        #expect(summary.duplicates == 0)
        #expect(summary.errorsByKind == ["empty": 5, "truncated": 3])
        let images = try Rows(dbPath).images()
        #expect(images.values.allSatisfy { $0.outcome == "error" && $0.duplicateOf == nil })
        // Each row names its own file.
        let texts = try Rows(dbPath).count("SELECT count(DISTINCT error_text) FROM images")
        #expect(texts == 8)
        // A later copy is not linked to an error row either.
        _ = Self.fm.createFile(atPath: dir.appendingPathComponent("later.jpg").path, contents: Data())
        let again = try await BatchFixtures.runner(dir, db: db, jobs: 1).run()
        #expect(again.duplicates == 0)
        #expect(again.errorsByKind["empty"] == 6)
    }

    // MARK: 9. other programs' databases

    @Test func anotherProgramsDatabaseIsRefusedUntouchedAndADamagedOneIsNamed() throws {
        let (_, foreign) = try Self.folder("foreign", files: [:])
        let queue = try DatabaseQueue(path: foreign)
        try queue.write { try $0.execute(sql: "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('a')") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        #expect {
            try ScanDatabase(path: foreign)
        } throws: { error in
            guard case BatchError.foreignDatabase(_, let why) = error else { return false }
            return why.contains("contacts")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
        #expect(!Self.fm.fileExists(atPath: foreign + "-wal"))
        // A file that is not SQLite at all.
        let photo = foreign + ".jpg"
        try BatchFixtures.truncatedJPEG().write(to: URL(fileURLWithPath: photo))
        #expect(throws: BatchError.self) { try ScanDatabase(path: photo) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: photo)) == BatchFixtures.truncatedJPEG())

        let (_, ours) = try Self.folder("damaged", files: [:])
        _ = try ScanDatabase(path: ours)
        #expect(try Rows(ours).db.read { try Int32.fetchOne($0, sql: "PRAGMA application_id") } == Schema.applicationID)
        try Rows(ours).db.write { try $0.execute(sql: "DROP TABLE fields") }
        #expect {
            try ScanDatabase(path: ours)
        } throws: { error in
            guard case BatchError.damagedDatabase(_, let missing) = error else { return false }
            return missing == ["table fields"]
        }
    }

    @Test func aDatabaseOfTheEarlierVersionOpensAndKeepsItsRows() throws {
        let (_, path) = try Self.folder("legacy", files: [:])
        // As 0.1.0 left it: GRDB's migration table with v1, no application id.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY); INSERT INTO grdb_migrations VALUES ('v1')")
            try db.execute(sql: Schema.v1)
            try db.execute(sql: """
                INSERT INTO runs (started_at, folder, tool_version, reader_version, templates_version, options) VALUES ('x', 'f', '0.1.0', 'r', 't', '{}');
                INSERT INTO images (path, content_hash, outcome, error_kind, error_text, reader_version, templates_version, run_id, processed_at)
                VALUES ('f/a.jpg', 'h', 'error', 'empty', 'f/a.jpg: empty', 'r', 't', 1, 'x');
                """)
        }
        try queue.close()
        let db = try ScanDatabase(path: path)
        #expect(try db.images()["f/a.jpg"]?.errorKind == "empty")
        #expect(try db.attempts().isEmpty)
        #expect(try Rows(path).db.read { try Int32.fetchOne($0, sql: "PRAGMA application_id") } == Schema.applicationID)
    }

    // MARK: 6, 12. usage errors

    @Test func usageErrorsComeBeforeAnythingIsCreated() throws {
        let (dir, _) = try Self.folder("usage", files: [:])
        let missing = dir.appendingPathComponent("NONEXISTENT").path
        let batch = try BatchFixtures.run(["batch", missing])
        #expect(batch.code == 64)
        #expect(!Self.fm.fileExists(atPath: missing + ".scan-c1.sqlite"))
        #expect(try BatchFixtures.run(["batch", dir.path, "--db", ""]).code == 64)

        // A file name with a leading dash is not read as -h -a -l… (which printed the help, exit 0).
        let dashed = try BatchFixtures.run(["scan", dir.appendingPathComponent("page.png").path, "-hal2.jpg"])
        #expect(dashed.code == 64)
        #expect(dashed.err.contains("put -- before the file names"))
        #expect(!dashed.out.contains("USAGE"))
        #expect(try BatchFixtures.run(["scan", "--", "-hal2.jpg"], in: dir).code == 2)  // after --: a file (missing here)
        #expect(try BatchFixtures.run(["scan", "--help"]).out.contains("scan-c1 scan -- -hal2.jpg"))
    }

    @Test func verifyRefusesAnExpectationOfNoFieldAndPrintsItsReportBeforeAPictureError() throws {
        let page = BatchFixtures.kpu2019.appendingPathComponent("kubu-02-lembar2.jpg").path
        let typo = try BatchFixtures.run(["verify", page, "--expect", "suara_sahh=135"])
        #expect(typo.code == 64)
        #expect(typo.err.contains("suara_sahh") && typo.err.contains("suara_sah"))
        #expect(!typo.out.contains("KONSISTEN"))
        let annotate = try BatchFixtures.run(["verify", page, "--annotate", "/nonexistent/x.png"])
        #expect(annotate.code == 2)
        #expect(annotate.out.contains("suara_total"), "the report is printed: \(annotate.out.prefix(200))")
        #expect(annotate.err.contains("/nonexistent"))
    }

    @Test func cellsThatASpreadsheetWouldRunAreNeutralised() {
        for s in ["=1+1", "+x", "-x", "@SUM(A1)", "\tx", "\rx", "\r\nx"] { #expect(StationExport.cell(s).hasPrefix("'") || StationExport.cell(s).hasPrefix("\"'"), "\(s.debugDescription)") }
        #expect(StationExport.cell("-5") == "-5")
        #expect(StationExport.cell("kubu-02") == "kubu-02")
    }

    @Test func hiddenFilesAndDocumentsAreSkippedAndCounted() async throws {
        let (dir, dbPath) = try Self.folder("hidden", files: [".page.jpg": Data("x".utf8), "README.md": Data("# notes\n".utf8),
                                                              "catatan.txt": Data("tps 7\n".utf8), "empty.jpg": Data()])
        // A JPEG named .txt is still read (by its content): not skipped.
        _ = Self.fm.createFile(atPath: dir.appendingPathComponent("photo.txt").path, contents: try BatchFixtures.truncatedJPEG())
        let db = try ScanDatabase(path: dbPath)
        let summary = try await BatchFixtures.runner(dir, db: db, jobs: 1).run()
        let skipped = Dictionary(summary.skippedFiles.map { (($0.path as NSString).lastPathComponent, $0.reason) }) { a, _ in a }
        #expect(skipped == [".page.jpg": FolderWalker.hidden, "README.md": FolderWalker.notAnImage, "catatan.txt": FolderWalker.notAnImage])
        let images = try Rows(dbPath).images()
        #expect(Set(images.keys) == ["empty.jpg", "photo.txt"])
        #expect(images["photo.txt"]?.kind == "truncated")
    }

    // MARK: issue 28: real phone folders

    @Test func theSameFolderGivenAnotherWayOrAsFilesIsTheSameImages() throws {
        let (dir, db) = try Self.folder("sameplace", files: ["empty.jpg": Data(), "cut.jpg": try BatchFixtures.truncatedJPEG()])
        let parent = dir.deletingLastPathComponent(), name = dir.lastPathComponent
        // As 0.1.0 stored it: the path as found under the folder given, relative to where it ran.
        let legacy = try ScanDatabase(path: db)
        let run = try legacy.startRun(folder: name, versions: Versions(tool: "0.1.0", reader: "r", templates: "t"), options: "{}")
        try legacy.finishRun(run, outcome: "finished")
        try legacy.record(ImageRecord(path: name + "/empty.jpg", contentHash: ContentHash.bytes(Data()), size: 0,
                                      outcome: .error(kind: "empty", text: "\(name)/empty.jpg: the file is empty"), station: name + "/empty"),
                          versions: Versions(tool: "0.1.0", reader: "r", templates: "t"), runID: run)
        let relative = try BatchFixtures.run(["batch", name, "--db", db, "--quiet", "--json"], in: parent)
        #expect(relative.code == 2)
        #expect(relative.out.contains(#""skipped" : 1"#), "\(relative.out)")  // the earlier row is the same file
        let absolute = try BatchFixtures.run(["batch", dir.path + "/", "--db", db, "--quiet", "--json"])
        #expect(absolute.out.contains(#""skipped" : 2"#), "\(absolute.out)")
        let files = try BatchFixtures.run(["batch", name + "/empty.jpg", name + "/cut.jpg", "--db", db, "--quiet", "--json"], in: parent)
        #expect(files.out.contains(#""skipped" : 2"#), "\(files.out)")
        #expect(try Rows(db).count("SELECT count(*) FROM images") == 2)
        #expect(try Rows(db).count("SELECT count(*) FROM images WHERE path LIKE '/%'") == 2)
        // Files given without --db: the database beside their folder.
        let besides = try BatchFixtures.run(["batch", name + "/empty.jpg", "--quiet"], in: parent)
        #expect(besides.code == 2)
        #expect(Self.fm.fileExists(atPath: dir.path + ".scan-c1.sqlite"))
    }

    @Test func rescanReadsErrorRowsAgain() async throws {
        let (dir, dbPath) = try Self.folder("rescan-errors", files: ["cut.jpg": try BatchFixtures.truncatedJPEG()])
        let db = try ScanDatabase(path: dbPath)
        let store = BatchFixtures.store
        func runner(rescan: Bool) -> BatchRunner {
            BatchRunner(database: db, store: store, versions: Versions(tool: "test", reader: "r", templates: "t"),
                        options: BatchOptions(folder: dir.path, jobs: 1, rescan: rescan)) {
                PageScanner(store: store, reader: try BoxReader())
            }
        }
        #expect(try await runner(rescan: false).run().errors == 1)
        #expect(try await runner(rescan: false).run().errors == 0)  // done
        #expect(try await runner(rescan: true).run().errors == 1)   // read again
    }
}
