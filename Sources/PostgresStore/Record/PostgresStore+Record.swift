import Batch
import Foundation
import PostgresNIO

/// A page's results in the shared store: the same rows, columns and JSON as
/// `ScanDatabase.record` writes into the SQLite file (kept row for row alike; the test
/// `sameRowsAsSQLite` compares both stores on a real page).
extension PostgresStore {
    public func startRun(folder: String, versions: Versions, options: String, at time: String) async throws -> Int64 {
        let rows = try await connection.query("""
            INSERT INTO runs (started_at, folder, tool_version, reader_version, templates_version, options)
            VALUES (\(time), \(folder), \(versions.tool), \(versions.reader), \(versions.templates), \(options)) RETURNING id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        throw PostgresStoreError.server("INSERT INTO runs returned no id")
    }

    /// Writes one image's outcome in one transaction, replacing what the same path held; with
    /// `job`, marks it done in the same transaction (refused with `QueueLeaseLost` when another
    /// worker holds it now: nothing is written, the other worker's results stand).
    @discardableResult
    public func record(_ record: ImageRecord, versions: Versions, runID: Int64, at time: String,
                       job: (QueueJob, worker: String)? = nil) async throws -> Int64 {
        try await transaction { db, logger in
            if let job { try await Self.complete(job.0, worker: job.worker, at: time, on: db, logger: logger) }
            var kind: String?, text: String?, duplicateOf: Int64?
            let outcome: String
            switch record.outcome {
            case .page: outcome = "page"
            case .duplicate(let id): outcome = "duplicate"; duplicateOf = id
            case .error(let k, let t): outcome = "error"; kind = k; text = t
            }
            var id: Int64?
            for try await value in try await db.query("""
                INSERT INTO images (path, content_hash, size, outcome, error_kind, error_text, duplicate_of,
                                    reader_version, templates_version, run_id, processed_at)
                VALUES (\(record.path), \(record.contentHash), \(record.size), \(outcome), \(kind), \(text), \(duplicateOf),
                        \(versions.reader), \(versions.templates), \(runID), \(time))
                ON CONFLICT (path) DO UPDATE SET content_hash = excluded.content_hash, size = excluded.size,
                    outcome = excluded.outcome, error_kind = excluded.error_kind, error_text = excluded.error_text,
                    duplicate_of = excluded.duplicate_of, reader_version = excluded.reader_version,
                    templates_version = excluded.templates_version, run_id = excluded.run_id,
                    processed_at = excluded.processed_at
                RETURNING id
                """, logger: logger).decode(Int64.self) { id = value }
            guard let id else { throw PostgresStoreError.server("INSERT INTO images returned no id") }
            try await db.query("DELETE FROM pages WHERE image_id = \(id)", logger: logger)
            guard case .page(let page) = record.outcome else { return id }
            let r = page.registration, t = page.timings
            try await db.query("""
                INSERT INTO pages (image_id, station, template, status, quarter_turns, coverage, residual, marks_found,
                                   transform, decode_ms, registration_ms, cleaning_ms, reading_ms, checks_ms, total_ms, result)
                VALUES (\(id), \(record.station), \(page.template), \(page.status.rawValue), \(Int64(r.quarterTurns)), \(r.coverage),
                        \(r.residual), \(Int64(r.marksFound)), \(JSON.string(r.transform)), \(t.decode), \(t.registration),
                        \(t.cleaning), \(t.reading), \(t.checks), \(t.total), \(JSON.string(page)))
                """, logger: logger)
            for f in page.orderedFields {
                try await db.query("""
                    INSERT INTO fields (image_id, field, label, value, status, reasons, first_reading, boxes)
                    VALUES (\(id), \(f.id), \(f.label), \(f.value.map(Int64.init)), \(f.status.rawValue), \(JSON.string(f.reasons)),
                            \(f.firstReading.map(Int64.init)), \(JSON.string(f.boxes)))
                    """, logger: logger)
            }
            for (i, rule) in page.rules.enumerated() {
                try await db.query("""
                    INSERT INTO rules (image_id, position, rule, label, soft, outcome, numbers, fields)
                    VALUES (\(id), \(Int64(i)), \(rule.rule), \(rule.label), \(Int64(rule.soft ? 1 : 0)), \(rule.outcome.rawValue),
                            \(rule.numbers), \(JSON.string(rule.fields)))
                    """, logger: logger)
            }
            return id
        }
    }
}
