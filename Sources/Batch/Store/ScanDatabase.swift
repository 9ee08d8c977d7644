import FormScan
import Foundation
import GRDB

/// What went wrong with the batch itself (not with one image: those are rows).
public enum BatchError: Error, CustomStringConvertible {
    case database(String, reason: String)
    case folderNotFound(String)
    case notAFolder(String)

    public var description: String {
        switch self {
        case .database(let p, let why): return "\(p): the batch database cannot be used (\(why)): is it an SQLite file written by scan-c1, on a writable disk?"
        case .folderNotFound(let p): return "\(p): no such folder"
        case .notAFolder(let p): return "\(p): not a folder (give the folder that holds the photos)"
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

    public init(path: String) throws(BatchError) {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Schema.migrator.migrate(pool)
        } catch {
            throw .database(path, reason: "\(error)")
        }
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

    // MARK: images

    public func images() throws(BatchError) -> [String: StoredImage] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, path, content_hash, outcome, reader_version, templates_version FROM images")
            var out: [String: StoredImage] = [:]
            for r in rows {
                let image = StoredImage(id: r["id"], path: r["path"], contentHash: r["content_hash"], outcome: r["outcome"],
                                        readerVersion: r["reader_version"], templatesVersion: r["templates_version"])
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

    /// Recomputes the `stations` table from the stored pages: groups them by station, applies the
    /// rules that span pages, and records the station's worst status and failed rules. One
    /// station's pages are in memory at a time; `each` sees every station in key order.
    public func rebuildStations(store: TemplateStore, each: (Station) -> Void = { _ in }) throws(BatchError) {
        let corrected = try corrections()
        let keys = try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT station FROM pages ORDER BY station") }
        try write { db in try db.execute(sql: "DELETE FROM stations") }
        for key in keys {
            let members = try pages(station: key)
            // A person's corrections count, and the rules are checked again with them.
            var results = members.map { m in
                guard let values = corrected[m.imageID], let t = try? store.template(m.result.template) else { return m.result }
                return m.result.applying(values, template: t)
            }
            StationChecker.apply(to: &results, store: store)
            let s = Station(key: key, pages: zip(members, results).map { m, r in
                Station.Page(imageID: m.imageID, path: m.path, template: r.template, result: r)
            })
            try write { db in
                try db.execute(sql: """
                    INSERT INTO stations (key, status, pages, station_rules, failed_rules, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [s.key, s.status.rawValue,
                                     JSON.string(s.pages.map { ["image_id": "\($0.imageID)", "path": $0.path, "template": $0.template] }),
                                     JSON.string(s.stationRules), JSON.string(s.failedRules), Self.now()])
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

    public var status: FieldStatus { pages.map(\.result.status).max() ?? .missing }
    public var stationRules: [RuleResult] { pages.flatMap { $0.result.rules.filter { $0.station == true } } }
    public var failedRules: [String] {
        pages.flatMap { p in p.result.rules.filter { $0.outcome == .fail }.map { "\($0.label)\($0.soft ? " (soft)" : ""): \($0.numbers)" } }
    }
}

enum JSON {
    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    static func string<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}
