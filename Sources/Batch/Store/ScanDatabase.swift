import FormScan
import Foundation
import GRDB

/// What went wrong with the batch itself (not with one image: those are rows).
public enum BatchError: Error, CustomStringConvertible {
    case database(String, reason: String)
    case folderNotFound(String)
    case notAFolder(String)
    /// The file is an SQLite database of another program (or not SQLite at all): never touched.
    case foreignDatabase(String, reason: String)
    /// One of our databases with tables or columns missing.
    case damagedDatabase(String, missing: [String])
    /// Another scan-c1 holds the database's lock.
    case busy(String, holder: String)

    public var description: String {
        switch self {
        case .database(let p, let why): return "\(p): the batch database cannot be used (\(why)): is it an SQLite file written by scan-c1, on a writable disk?"
        case .folderNotFound(let p): return "\(p): no such folder or file"
        case .notAFolder(let p): return "\(p): not a folder (give the folder that holds the photos)"
        case .foreignDatabase(let p, let why):
            return "\(p): not a scan-c1 batch database (\(why)): it is left as it is; give --db a new file name or a database written by `scan-c1 batch`"
        case .damagedDatabase(let p, let missing):
            return "\(p): this scan-c1 database has lost part of its schema (missing: \(missing.joined(separator: ", "))): it was changed by another program; keep it for the record and give --db a new file to read the folder again"
        case .busy(let p, let holder):
            return "\(p): another scan-c1 is using this database (\(holder)): wait for it to finish, or give this one another --db"
        }
    }
}

/// A row of `images` as the batch needs it to decide what is done.
public struct StoredImage: Sendable {
    public var id: Int64
    public var path: String
    public var contentHash: String?
    public var outcome: String
    public var readerVersion: String
    public var templatesVersion: String
    public var errorKind: String?
    public var errorText: String?
    public var duplicateOf: Int64?
}

/// A page whose reading started and was never recorded: the batch died while reading it.
public struct Attempt: Sendable {
    public var path: String
    public var contentHash: String?
    public var runID: Int64
    public var slot: Int
    /// Batches that died while reading it, before this one.
    public var deaths: Int
}

/// What one image came to, ready to be written in one transaction.
public struct ImageRecord: Sendable {
    public enum Outcome: Sendable {
        case page(PageResult)
        case duplicate(of: Int64)
        case error(kind: String, text: String)
    }
    public var path: String
    public var contentHash: String?
    public var size: Int64?
    public var outcome: Outcome
    public var station: String

    public init(path: String, contentHash: String?, size: Int64?, outcome: Outcome, station: String) {
        self.path = path; self.contentHash = contentHash; self.size = size; self.outcome = outcome; self.station = station
    }
}

/// Fingerprints of what produced a reading: a stored page read with other models or templates
/// can be found and read again (`batch --rescan`).
public struct Versions: Sendable, Codable, Equatable {
    public var tool: String
    public var reader: String
    public var templates: String
    public init(tool: String, reader: String, templates: String) {
        self.tool = tool; self.reader = reader; self.templates = templates
    }
}

/// The batch's SQLite database (WAL). Every SQL statement of the project lives in this file.
public final class ScanDatabase: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (or creates) a batch database. An existing file is first looked at read-only: a
    /// database of another program (or a file that is not SQLite) is refused untouched. Ours
    /// are migrated in one IMMEDIATE transaction (two batches starting on a fresh file do not
    /// both create the tables) and their schema is checked.
    public init(path: String) throws(BatchError) {
        self.path = path
        guard !path.isEmpty else { throw .database(path, reason: "no file name given") }
        try Self.checkOwnership(path)
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        // WAL with synchronous NORMAL: a commit survives the process dying (crash, kill -9), not
        // a power cut, which may lose the last pages (read again by the next run) but never
        // leaves the file inconsistent. Two commits per page (started, then its rows) cost no fsync.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw .database(path, reason: "\(error)")
        }
        try migrate()
        try checkSchema()
    }

    /// The tables of a database, and whether it is ours, looked at without writing to it.
    static func checkOwnership(_ path: String) throws(BatchError) {
        var st = stat()
        guard stat(path, &st) == 0 else { return }  // a new file
        if (st.st_mode & S_IFMT) == S_IFDIR { throw .foreignDatabase(path, reason: "it is a folder") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .foreignDatabase(path, reason: "not a regular file") }
        guard st.st_size > 0 else { return }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            let verdict = try queue.read { db in try Self.ownership(db) }
            try queue.close()
            if let why = verdict { throw BatchError.foreignDatabase(path, reason: why) }
        } catch let error as BatchError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw .foreignDatabase(path, reason: "not an SQLite database")
        } catch {
            throw .database(path, reason: "\(error)")
        }
    }

    /// nil when the database is ours (marked, or an unmarked one of an earlier scan-c1) or
    /// empty; otherwise why it is not.
    static func ownership(_ db: Database) throws -> String? {
        let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        if id == Schema.applicationID { return nil }
        if id != 0 { return String(format: "its application id is 0x%08x, not scan-c1's", id) }
        let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"))
        if tables.isEmpty { return nil }
        // Before the application id was set (versions up to 0.1.0): our migrations and tables.
        if tables.isSuperset(of: ["grdb_migrations", "runs", "images"]),
           try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").contains("v1") {
            return nil
        }
        let names = tables.sorted()
        return "it holds other tables: \(names.prefix(6).joined(separator: ", "))\(names.count > 6 ? ", …" : "")"
    }

    /// Adds the migrations not yet applied, and marks the database as ours, all or nothing.
    func migrate() throws(BatchError) {
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    if let why = try Self.ownership(db) { throw BatchError.foreignDatabase(path, reason: why) }
                    try db.execute(sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                    let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
                    for m in Schema.migrations where !applied.contains(m.id) {
                        try db.execute(sql: m.sql)
                        try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [m.id])
                    }
                    if try Int32.fetchOne(db, sql: "PRAGMA application_id") != Schema.applicationID {
                        try db.execute(sql: "PRAGMA application_id = \(Schema.applicationID)")
                    }
                    return .commit
                }
            }
        } catch let error as BatchError {
            throw error
        } catch {
            throw .database(path, reason: "\(error)")
        }
    }

    /// Every table and column this version uses is there.
    func checkSchema() throws(BatchError) {
        let missing = try read { db -> [String] in
            var out: [String] = []
            for (table, columns) in Schema.required.sorted(by: { $0.key < $1.key }) {
                let have = Set(try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String })
                if have.isEmpty { out.append("table \(table)"); continue }
                out += columns.filter { !have.contains($0) }.map { "column \(table).\($0)" }
            }
            return out
        }
        if !missing.isEmpty { throw .damagedDatabase(path, missing: missing) }
    }

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    func write<T>(_ body: (Database) throws -> T) throws(BatchError) -> T {
        do { return try pool.write(body) } catch { throw .database(path, reason: "\(error)") }
    }

    func read<T>(_ body: (Database) throws -> T) throws(BatchError) -> T {
        do { return try pool.read(body) } catch { throw .database(path, reason: "\(error)") }
    }

    // MARK: runs

    public func startRun(folder: String, versions: Versions, options: String) throws(BatchError) -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO runs (started_at, folder, tool_version, reader_version, templates_version, options)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [Self.now(), folder, versions.tool, versions.reader, versions.templates, options])
            return db.lastInsertedRowID
        }
    }

    public func finishRun(_ id: Int64, outcome: String) throws(BatchError) {
        try write { db in
            try db.execute(sql: "UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?", arguments: [Self.now(), outcome, id])
        }
    }

    /// Closes the runs left `running` by batches that died (only called under the lock, when
    /// no other batch can be running): `crashed` for the one that noted a crash, else `killed`.
    public func closeDeadRuns(crashedRun: Int64?) throws(BatchError) {
        try write { db in
            try db.execute(sql: """
                UPDATE runs SET outcome = CASE WHEN id = ? THEN 'crashed' ELSE 'killed' END, finished_at = ? WHERE outcome = 'running'
                """, arguments: [crashedRun, Self.now()])
        }
    }

    /// Gives stored rows their resolved paths (and their pages the station key of it).
    public func renamePaths(_ renames: [(from: String, to: String, station: String)]) throws(BatchError) {
        try write { db in
            for r in renames {
                try db.execute(sql: "UPDATE images SET path = ? WHERE path = ?", arguments: [r.to, r.from])
                try db.execute(sql: "UPDATE pages SET station = ? WHERE image_id = (SELECT id FROM images WHERE path = ?)",
                               arguments: [r.station, r.to])
            }
        }
    }

    /// Gives the stored pages of `paths` the station `key` makes of them, where it differs.
    public func regroup(paths: [String], key: (String) -> String) throws(BatchError) {
        let wanted = Set(paths)
        let stored = try read { db in
            try Row.fetchAll(db, sql: "SELECT p.image_id, i.path, p.station FROM pages p JOIN images i ON i.id = p.image_id")
                .map { (id: $0["image_id"] as Int64, path: $0["path"] as String, station: $0["station"] as String) }
        }
        let moves = stored.filter { wanted.contains($0.path) && key($0.path) != $0.station }
        guard !moves.isEmpty else { return }
        try write { db in
            for m in moves {
                try db.execute(sql: "UPDATE pages SET station = ? WHERE image_id = ?", arguments: [key(m.path), m.id])
            }
        }
    }

    // MARK: attempts

    /// Notes, committed, that a page is about to be read by worker `slot` of run `runID`.
    public func markStarted(path: String, contentHash: String, runID: Int64, slot: Int) throws(BatchError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO attempts (path, content_hash, run_id, slot, started_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(path) DO UPDATE SET content_hash = excluded.content_hash, run_id = excluded.run_id,
                    slot = excluded.slot, started_at = excluded.started_at
                """, arguments: [path, contentHash, runID, slot, Self.now()])
        }
    }

    /// The readings started and never recorded (pages in flight when a batch died).
    public func attempts() throws(BatchError) -> [Attempt] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT path, content_hash, run_id, slot, deaths FROM attempts ORDER BY path").map {
                Attempt(path: $0["path"], contentHash: $0["content_hash"], runID: $0["run_id"], slot: $0["slot"], deaths: $0["deaths"])
            }
        }
    }

    /// One more batch died while reading this page; or, with `forget`, it is gone.
    public func attemptSurvived(_ path: String, forget: Bool = false) throws(BatchError) {
        try write { db in
            if forget {
                try db.execute(sql: "DELETE FROM attempts WHERE path = ?", arguments: [path])
            } else {
                try db.execute(sql: "UPDATE attempts SET deaths = deaths + 1 WHERE path = ?", arguments: [path])
            }
        }
    }

    // MARK: images

    public func images() throws(BatchError) -> [String: StoredImage] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, path, content_hash, outcome, reader_version, templates_version, error_kind, error_text, duplicate_of FROM images
                """)
            var out: [String: StoredImage] = [:]
            for r in rows {
                let image = StoredImage(id: r["id"], path: r["path"], contentHash: r["content_hash"], outcome: r["outcome"],
                                        readerVersion: r["reader_version"], templatesVersion: r["templates_version"],
                                        errorKind: r["error_kind"], errorText: r["error_text"], duplicateOf: r["duplicate_of"])
                out[image.path] = image
            }
            return out
        }
    }

    /// Writes one image's outcome, replacing whatever the same path held before, all or nothing.
    @discardableResult
    public func record(_ record: ImageRecord, versions: Versions, runID: Int64) throws(BatchError) -> Int64 {
        try write { db in
            var kind: String?, text: String?, duplicateOf: Int64?
            let outcome: String
            switch record.outcome {
            case .page: outcome = "page"
            case .duplicate(let id): outcome = "duplicate"; duplicateOf = id
            case .error(let k, let t): outcome = "error"; kind = k; text = t
            }
            try db.execute(sql: """
                INSERT INTO images (path, content_hash, size, outcome, error_kind, error_text, duplicate_of,
                                    reader_version, templates_version, run_id, processed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(path) DO UPDATE SET content_hash = excluded.content_hash, size = excluded.size,
                    outcome = excluded.outcome, error_kind = excluded.error_kind, error_text = excluded.error_text,
                    duplicate_of = excluded.duplicate_of, reader_version = excluded.reader_version,
                    templates_version = excluded.templates_version, run_id = excluded.run_id,
                    processed_at = excluded.processed_at
                """, arguments: [record.path, record.contentHash, record.size, outcome, kind, text, duplicateOf,
                                 versions.reader, versions.templates, runID, Self.now()])
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM images WHERE path = ?", arguments: [record.path])!
            try db.execute(sql: "DELETE FROM attempts WHERE path = ?", arguments: [record.path])
            try db.execute(sql: "DELETE FROM pages WHERE image_id = ?", arguments: [id])
            guard case .page(let page) = record.outcome else { return id }
            let r = page.registration
            try db.execute(sql: """
                INSERT INTO pages (image_id, station, template, status, quarter_turns, coverage, residual, marks_found,
                                   transform, decode_ms, registration_ms, cleaning_ms, reading_ms, checks_ms, total_ms, result)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, record.station, page.template, page.status.rawValue, r.quarterTurns, r.coverage, r.residual,
                                 r.marksFound, JSON.string(r.transform), page.timings.decode, page.timings.registration,
                                 page.timings.cleaning, page.timings.reading, page.timings.checks, page.timings.total,
                                 JSON.string(page)])
            for f in page.orderedFields {
                try db.execute(sql: """
                    INSERT INTO fields (image_id, field, label, value, status, reasons, first_reading, boxes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, f.id, f.label, f.value, f.status.rawValue, JSON.string(f.reasons), f.firstReading,
                                     JSON.string(f.boxes)])
            }
            for (i, rule) in page.rules.enumerated() {
                try db.execute(sql: """
                    INSERT INTO rules (image_id, position, rule, label, soft, outcome, numbers, fields)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, i, rule.rule, rule.label, rule.soft, rule.outcome.rawValue, rule.numbers, JSON.string(rule.fields)])
            }
            return id
        }
    }

    // MARK: corrections

    /// The image holding a page with these bytes (a duplicate leads to the image it copies).
    public func pageImageID(contentHash: String) throws(BatchError) -> Int64? {
        try read { db in
            try Int64.fetchOne(db, sql: """
                SELECT COALESCE(CASE WHEN i.outcome = 'duplicate' THEN i.duplicate_of END, i.id)
                FROM images i WHERE i.content_hash = ? AND i.outcome IN ('page', 'duplicate') ORDER BY i.outcome = 'page' DESC, i.id LIMIT 1
                """, arguments: [contentHash])
        }
    }

    /// Records a person's numbers for a stored page, with the machine's reading beside them;
    /// the machine reading in `fields` stays as it was.
    public func addCorrections(imageID: Int64, _ items: [(field: String, value: Int, originalValue: Int?, originalStatus: String)],
                               reason: String) throws(BatchError) {
        try write { db in
            for c in items {
                try db.execute(sql: """
                    INSERT INTO corrections (image_id, field, value, original_value, original_status, reason, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [imageID, c.field, c.value, c.originalValue, c.originalStatus, reason, Self.now()])
            }
        }
    }

    /// The latest correction of each field of each image: image id → field → value.
    public func corrections() throws(BatchError) -> [Int64: [String: Int]] {
        try read { db in
            var out: [Int64: [String: Int]] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT image_id, field, value FROM corrections ORDER BY id") {
                out[r["image_id"], default: [:]][r["field"]] = r["value"]
            }
            return out
        }
    }

    // MARK: stations

    /// Stored pages with their station key, in path order: all of them, or one station's.
    public func pages(station: String? = nil) throws(BatchError) -> [(imageID: Int64, path: String, station: String, result: PageResult)] {
        try read { db in
            let filter = station == nil ? "" : "WHERE p.station = ?"
            return try Row.fetchAll(db, sql: """
                SELECT p.image_id, i.path, p.station, p.result FROM pages p JOIN images i ON i.id = p.image_id \(filter) ORDER BY i.path
                """, arguments: station.map { [$0] } ?? []).compactMap { r -> (Int64, String, String, PageResult)? in
                let json: String = r["result"]
                guard let page = try? JSON.decoder.decode(PageResult.self, from: Data(json.utf8)) else { return nil }
                return (r["image_id"], r["path"], r["station"], page)
            }
        }
    }

    /// The templates of the stored pages.
    public func templatesPresent() throws(BatchError) -> Set<String> {
        Set(try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT template FROM pages") })
    }

    /// Recomputes the `stations` table from the stored pages: groups them by station, applies the
    /// rules that span pages, and records the station's worst status and failed rules. One
    /// station's pages are in memory at a time; `each` sees every station in key order.
    public func rebuildStations(store: TemplateStore, each: (Station) -> Void = { _ in }) throws(BatchError) {
        let corrected = try corrections()
        let keys = try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT station FROM pages ORDER BY station") }
        try write { db in try db.execute(sql: "DELETE FROM stations") }
        for key in keys {
            let members = try pages(station: key)
            let s = Station.assemble(key: key, members: members.map { ($0.imageID, $0.path, $0.result) }, corrections: corrected, store: store)
            try write { db in
                try db.execute(sql: """
                    INSERT INTO stations (key, status, pages, station_rules, failed_rules, missing_pages, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [s.key, s.status.rawValue,
                                     JSON.string(s.pages.map { ["image_id": "\($0.imageID)", "path": $0.path, "template": $0.template] }),
                                     JSON.string(s.stationRules), JSON.string(s.failedRules), JSON.string(s.missingPages), Self.now()])
            }
            each(s)
        }
    }

    // MARK: summaries

    /// Counts of images by outcome and of errors by kind.
    public func counts() throws(BatchError) -> (outcomes: [String: Int], errors: [String: Int], pages: [String: Int]) {
        try read { db in
            var outcomes: [String: Int] = [:], errors: [String: Int] = [:], pages: [String: Int] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT outcome, count(*) AS n FROM images GROUP BY outcome") { outcomes[r["outcome"]] = r["n"] }
            for r in try Row.fetchAll(db, sql: "SELECT error_kind, count(*) AS n FROM images WHERE outcome = 'error' GROUP BY error_kind") {
                errors[r["error_kind"] ?? "unknown"] = r["n"]
            }
            for r in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM pages GROUP BY status") { pages[r["status"]] = r["n"] }
            return (outcomes, errors, pages)
        }
    }

    /// Images (not duplicates) read with other model or template versions than these.
    public func staleCount(_ versions: Versions) throws(BatchError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM images WHERE outcome != 'duplicate' AND (reader_version != ? OR templates_version != ?)
                """, arguments: [versions.reader, versions.templates]) ?? 0
        }
    }

    /// Images with an error, with the reason, in path order.
    public func errors() throws(BatchError) -> [(path: String, kind: String, text: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT path, error_kind, error_text FROM images WHERE outcome = 'error' ORDER BY path").map {
                ($0["path"], $0["error_kind"] ?? "", $0["error_text"] ?? "")
            }
        }
    }
}

/// A polling station: its pages after the rules that span them were applied.
public struct Station: Sendable {
    public struct Page: Sendable {
        public var imageID: Int64
        public var path: String
        public var template: String
        public var result: PageResult
    }
    public var key: String
    public var pages: [Page]
    /// Pages of the station's forms that no image gave (a station of only Lembar 2 misses
    /// Lembar 1): its numbers may each be fine, but the station is not complete.
    public var missingPages: [String] = []

    /// A station from its stored pages: a person's corrections count, and the rules that span
    /// the pages are checked again with them (the one place both stores build stations).
    public static func assemble(key: String, members: [(imageID: Int64, path: String, result: PageResult)],
                                corrections: [Int64: [String: Int]], store: TemplateStore) -> Station {
        var results = members.map { m in
            guard let values = corrections[m.imageID], let t = try? store.template(m.result.template) else { return m.result }
            return m.result.applying(values, template: t)
        }
        StationChecker.apply(to: &results, store: store)
        return Station(key: key, pages: zip(members, results).map { m, r in
            Station.Page(imageID: m.imageID, path: m.path, template: r.template, result: r)
        }, missingPages: store.missingPages(given: results.map(\.template)))
    }

    public var isComplete: Bool { missingPages.isEmpty }
    public var status: FieldStatus { pages.map(\.result.status).max() ?? .missing }
    public var stationRules: [RuleResult] { pages.flatMap { $0.result.rules.filter { $0.station == true } } }
    public var failedRules: [String] {
        pages.flatMap { p in p.result.rules.filter { $0.outcome == .fail }.map { "\($0.label)\($0.soft ? " (soft)" : ""): \($0.numbers)" } }
    }
}

/// The JSON of the database's columns (sorted keys, non-finite numbers as strings): both stores write it.
public enum JSON {
    public static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    public static func string<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}
