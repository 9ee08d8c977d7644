import GRDB

/// The batch database's tables (documented in docs/batch-database.md). Migrations only ever add.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
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
            """)
        }
        ReviewSchema.register(in: &m)
        return m
    }
}
