import GRDB

/// The batch database's tables (documented in docs/batch-database.md). Migrations only ever add;
/// they are recorded in `grdb_migrations` as GRDB's migrator does (the previous versions used it
/// and still open a database migrated here: they ignore the migrations they do not know).
/// The one place that knows the tables: the PostgreSQL store (Sources/PostgresStore) applies
/// these same migrations, translated to its column types by `PostgresDialect`.
public enum Schema {
    /// `PRAGMA application_id` of a scan-c1 batch database: "SC1B". A non-empty database
    /// without it (and without our tables) belongs to another program and is never touched.
    public static let applicationID: Int32 = 0x5343_3142

    /// Migrations in order: identifier and SQL.
    public static let migrations: [(id: String, sql: String)] = [("v1", v1), ("v2-attempts", v2), ReviewSchema.migration,
                                                           ReviewSchema.doubleEntry, ("v3-missing-pages", v3)]

    /// Tables and the columns this version reads and writes: checked on every open.
    public static let required: [String: [String]] = [
        "runs": ["id", "started_at", "finished_at", "outcome", "folder", "tool_version", "reader_version", "templates_version", "options"],
        "images": ["id", "path", "content_hash", "size", "outcome", "error_kind", "error_text", "duplicate_of",
                   "reader_version", "templates_version", "run_id", "processed_at"],
        "pages": ["image_id", "station", "template", "status", "quarter_turns", "coverage", "residual", "marks_found",
                  "transform", "decode_ms", "registration_ms", "cleaning_ms", "reading_ms", "checks_ms", "total_ms", "result"],
        "fields": ["image_id", "field", "label", "value", "status", "reasons", "first_reading", "boxes"],
        "rules": ["image_id", "position", "rule", "label", "soft", "outcome", "numbers", "fields"],
        "stations": ["key", "status", "pages", "station_rules", "failed_rules", "missing_pages", "updated_at"],
        "corrections": ["id", "image_id", "field", "value", "original_value", "original_status", "reason", "created_at"],
        "attempts": ["path", "content_hash", "run_id", "slot", "started_at", "deaths"],
    ]

    /// The pages a station lacks (JSON array of template ids; `[]` when complete). The table
    /// is rebuilt after every batch, so older rows get the column's value on the next run.
    static let v3 = """
            ALTER TABLE stations ADD COLUMN missing_pages TEXT NOT NULL DEFAULT '[]';
            """

    /// Pages whose reading has started and not been recorded: what was being read when a batch
    /// died. Written (committed) before a page is read, deleted with its image row.
    static let v2 = """
            CREATE TABLE attempts (
                path TEXT PRIMARY KEY,
                content_hash TEXT,
                run_id INTEGER NOT NULL,
                slot INTEGER NOT NULL,                        -- the worker reading it
                started_at TEXT NOT NULL,
                deaths INTEGER NOT NULL DEFAULT 0             -- batches that died while reading it
            );
            """

    static let v1 = """
            CREATE TABLE runs (
                id INTEGER PRIMARY KEY,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                outcome TEXT NOT NULL DEFAULT 'running',      -- running | finished | interrupted
                folder TEXT NOT NULL,
                tool_version TEXT NOT NULL,
                reader_version TEXT NOT NULL,                 -- fingerprint of the model files
                templates_version TEXT NOT NULL,              -- fingerprint of the template files
                options TEXT NOT NULL                         -- JSON
            );
            CREATE TABLE images (
                id INTEGER PRIMARY KEY,
                path TEXT NOT NULL UNIQUE,
                content_hash TEXT,                            -- SHA-256 of the bytes; NULL when unreadable
                size INTEGER,
                outcome TEXT NOT NULL CHECK (outcome IN ('page', 'duplicate', 'error')),
                error_kind TEXT,
                error_text TEXT,
                duplicate_of INTEGER REFERENCES images(id) ON DELETE SET NULL,
                reader_version TEXT NOT NULL,
                templates_version TEXT NOT NULL,
                run_id INTEGER NOT NULL REFERENCES runs(id),
                processed_at TEXT NOT NULL
            );
            CREATE INDEX images_by_hash ON images(content_hash);
            CREATE TABLE pages (
                image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
                station TEXT NOT NULL,
                template TEXT NOT NULL,
                status TEXT NOT NULL,
                quarter_turns INTEGER NOT NULL,
                coverage REAL NOT NULL,
                residual REAL NOT NULL,
                marks_found INTEGER NOT NULL,
                transform TEXT NOT NULL,                      -- JSON 3x3 homography, template -> image
                decode_ms REAL, registration_ms REAL, cleaning_ms REAL, reading_ms REAL, checks_ms REAL, total_ms REAL,
                result TEXT NOT NULL                          -- the page's full JSON (docs/result-schema.md)
            );
            CREATE INDEX pages_by_station ON pages(station);
            CREATE TABLE fields (
                image_id INTEGER NOT NULL REFERENCES pages(image_id) ON DELETE CASCADE,
                field TEXT NOT NULL,
                label TEXT NOT NULL,
                value INTEGER,
                status TEXT NOT NULL,
                reasons TEXT NOT NULL,                        -- JSON array of strings
                first_reading INTEGER,
                boxes TEXT NOT NULL,                          -- JSON: per box symbol, candidates, readers' votes
                PRIMARY KEY (image_id, field)
            );
            CREATE TABLE rules (
                image_id INTEGER NOT NULL REFERENCES pages(image_id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                rule TEXT NOT NULL,
                label TEXT NOT NULL,
                soft INTEGER NOT NULL,
                outcome TEXT NOT NULL,                        -- pass | fail | unknown
                numbers TEXT NOT NULL,                        -- e.g. "135 + 1 = 136"
                fields TEXT NOT NULL,                         -- JSON array of field ids
                PRIMARY KEY (image_id, position)
            );
            CREATE TABLE stations (
                key TEXT PRIMARY KEY,
                status TEXT NOT NULL,
                pages TEXT NOT NULL,                          -- JSON array of {image_id, path, template}
                station_rules TEXT NOT NULL,                  -- JSON array of rules spanning the pages
                failed_rules TEXT NOT NULL,                   -- JSON array of "label: numbers"
                updated_at TEXT NOT NULL
            );
            CREATE TABLE corrections (
                id INTEGER PRIMARY KEY,
                image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
                field TEXT NOT NULL,
                value INTEGER NOT NULL,
                original_value INTEGER,
                original_status TEXT NOT NULL,
                reason TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            """
}
