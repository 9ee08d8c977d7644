import FormScan
import Foundation
import GRDB

/// What the review page (`scan-c1 review`) keeps in the batch database: who answered which
/// field, how, and what the machine had read. Every answer is a row of `review_answers`; a
/// number (typed or the reading confirmed) is also a row of `corrections`, so `export`,
/// `verify` and the station rules see it like any person's correction. Undo moves the answer
/// out of `corrections` and marks it undone in `review_answers`: nothing is ever erased.
enum ReviewSchema {
    /// The columns an answer and a double-entry entry share: the field, what the person gave,
    /// what the machine had read, who and when (interpolated into both tables).
    private static let answerColumns = """
                image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
                field TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('typed', 'confirmed', 'unreadable')),
                value INTEGER,                                             -- NULL for unreadable
                original_value INTEGER,                                    -- the machine's reading
                original_status TEXT NOT NULL,
                reason TEXT NOT NULL,
                person TEXT NOT NULL,
                created_at TEXT NOT NULL,
        """

    /// The review page's migration, applied after the batch's own (add-only).
    static let migration = (id: "review-v1", sql: """
            ALTER TABLE corrections ADD COLUMN person TEXT;                -- who set it (NULL: verify --set)
            CREATE TABLE review_answers (
                id INTEGER PRIMARY KEY,
                \(answerColumns)
                correction_id INTEGER,                                     -- its corrections row while it stands
                undone_at TEXT,
                undone_by TEXT
            );
            CREATE INDEX review_answers_by_image ON review_answers(image_id, field);
            """)

    /// Double entry (`scan-c1 review --double-entry`): each person's independent entry of a
    /// field, kept apart from `corrections` until two people agree (then the agreed value is a
    /// review answer and a correction) or a third person decides a disagreement. An entry is
    /// never deleted: `answer_id` names the answer it led to, `undone_at` marks it withdrawn.
    static let doubleEntry = (id: "review-v2-double-entry", sql: """
            ALTER TABLE review_answers ADD COLUMN decided_by TEXT;         -- NULL: one person; agreement | third-look
            CREATE TABLE review_entries (
                id INTEGER PRIMARY KEY,
                \(answerColumns)
                answer_id INTEGER REFERENCES review_answers(id),           -- the answer it led to (NULL: pending)
                undone_at TEXT,
                undone_by TEXT
            );
            CREATE INDEX review_entries_by_image ON review_entries(image_id, field);
            """)
}

/// A person's answer to one field on the review page.
public struct ReviewAnswer: Sendable, Equatable {
    public enum Kind: String, Sendable { case typed, confirmed, unreadable }
    public var id: Int64
    public var imageID: Int64
    public var field: String
    public var kind: Kind
    public var value: Int?
    public var originalValue: Int?
    public var originalStatus: String
    public var reason: String
    public var person: String
    public var createdAt: String
    public var undoneAt: String?
    /// How a double-entry answer was reached (nil: one person's answer).
    public var decidedBy: Decision?
    public enum Decision: String, Sendable { case agreement, thirdLook = "third-look" }
}

/// One person's independent entry of a field under double entry, pending until a second
/// person's entry agrees with it or a third person decides.
public struct ReviewEntry: Sendable, Equatable {
    public var id: Int64
    public var imageID: Int64
    public var field: String
    public var kind: ReviewAnswer.Kind
    public var value: Int?
    public var person: String
    public var createdAt: String
    /// The answer it led to (nil: still pending).
    public var answerID: Int64?
    public var undoneAt: String?
}

/// Where a stored page's picture is and how it was registered: what the review page needs to
/// show it (the path comes from the database, never from a request).
public struct StoredPageImage: Sendable {
    public var imageID: Int64
    public var path: String
    public var template: String
    public var quarterTurns: Int
    public var transform: Homography
}

extension ScanDatabase {
    /// Stores a person's answer; a number also becomes a correction (with the person's name).
    @discardableResult
    public func addReviewAnswer(imageID: Int64, field: String, kind: ReviewAnswer.Kind, value: Int?, originalValue: Int?,
                                originalStatus: String, reason: String, person: String,
                                decidedBy: ReviewAnswer.Decision? = nil, entries: [Int64] = []) throws(BatchError) -> Int64 {
        try write { db in
            let now = Self.now()
            // A later answer to the same field replaces the earlier one's correction.
            try db.execute(sql: """
                DELETE FROM corrections WHERE id IN (SELECT correction_id FROM review_answers
                    WHERE image_id = ? AND field = ? AND undone_at IS NULL AND correction_id IS NOT NULL)
                """, arguments: [imageID, field])
            try db.execute(sql: """
                UPDATE review_answers SET correction_id = NULL, undone_at = ?, undone_by = ?
                WHERE image_id = ? AND field = ? AND undone_at IS NULL
                """, arguments: [now, "\(person) (answered again)", imageID, field])
            var correctionID: Int64?
            if let value {
                try db.execute(sql: """
                    INSERT INTO corrections (image_id, field, value, original_value, original_status, reason, created_at, person)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [imageID, field, value, originalValue, originalStatus, reason, now, person])
                correctionID = db.lastInsertedRowID
            }
            try db.execute(sql: """
                INSERT INTO review_answers (image_id, field, kind, value, original_value, original_status, reason, person,
                                            created_at, correction_id, decided_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [imageID, field, kind.rawValue, value, originalValue, originalStatus, reason, person, now, correctionID,
                                 decidedBy?.rawValue])
            let id = db.lastInsertedRowID
            for e in entries {
                try db.execute(sql: "UPDATE review_entries SET answer_id = ? WHERE id = ? AND undone_at IS NULL", arguments: [id, e])
            }
            return id
        }
    }

    /// Withdraws an answer: its correction is removed, the answer stays, marked undone.
    /// Returns the answer as it was, or nil when there is no such standing answer.
    @discardableResult
    public func undoReviewAnswer(id: Int64, by person: String) throws(BatchError) -> ReviewAnswer? {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM review_answers WHERE id = ? AND undone_at IS NULL", arguments: [id]) else {
                return nil
            }
            if let c: Int64 = row["correction_id"] { try db.execute(sql: "DELETE FROM corrections WHERE id = ?", arguments: [c]) }
            let now = Self.now()
            try db.execute(sql: "UPDATE review_answers SET correction_id = NULL, undone_at = ?, undone_by = ? WHERE id = ?",
                           arguments: [now, person, id])
            // Double entry: an agreement undone withdraws the entry that closed it (the first
            // stays, waiting for a second again); a third look undone leaves both entries
            // waiting for a third look again.
            let decided: String? = row["decided_by"]
            if decided == ReviewAnswer.Decision.agreement.rawValue {
                try db.execute(sql: """
                    UPDATE review_entries SET undone_at = ?, undone_by = ?
                    WHERE id = (SELECT max(id) FROM review_entries WHERE answer_id = ?)
                    """, arguments: [now, person, id])
            }
            try db.execute(sql: "UPDATE review_entries SET answer_id = NULL WHERE answer_id = ?", arguments: [id])
            return Self.answer(row)
        }
    }

    /// The standing answers, oldest first.
    public func reviewAnswers(includingUndone: Bool = false) throws(BatchError) -> [ReviewAnswer] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM review_answers \(includingUndone ? "" : "WHERE undone_at IS NULL") ORDER BY id")
                .map(Self.answer)
        }
    }

    static func answer(_ r: Row) -> ReviewAnswer {
        ReviewAnswer(id: r["id"], imageID: r["image_id"], field: r["field"], kind: ReviewAnswer.Kind(rawValue: r["kind"]) ?? .typed,
                     value: r["value"], originalValue: r["original_value"], originalStatus: r["original_status"],
                     reason: r["reason"], person: r["person"], createdAt: r["created_at"], undoneAt: r["undone_at"],
                     decidedBy: (r["decided_by"] as String?).flatMap(ReviewAnswer.Decision.init))
    }

    // MARK: double entry

    /// Stores one person's independent entry of a field (no correction: it stands only when a
    /// second person's entry agrees, or a third person decides).
    @discardableResult
    public func addReviewEntry(imageID: Int64, field: String, kind: ReviewAnswer.Kind, value: Int?, originalValue: Int?,
                               originalStatus: String, reason: String, person: String) throws(BatchError) -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO review_entries (image_id, field, kind, value, original_value, original_status, reason, person, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [imageID, field, kind.rawValue, value, originalValue, originalStatus, reason, person, Self.now()])
            return db.lastInsertedRowID
        }
    }

    /// Withdraws a pending entry (one that has led to no answer). Returns it, or nil when there
    /// is no such pending entry.
    @discardableResult
    public func undoReviewEntry(id: Int64, by person: String) throws(BatchError) -> ReviewEntry? {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM review_entries WHERE id = ? AND undone_at IS NULL AND answer_id IS NULL",
                                             arguments: [id]) else { return nil }
            try db.execute(sql: "UPDATE review_entries SET undone_at = ?, undone_by = ? WHERE id = ?", arguments: [Self.now(), person, id])
            return Self.entry(row)
        }
    }

    /// The entries not withdrawn, oldest first: only the pending ones (no answer yet), or all.
    public func reviewEntries(pendingOnly: Bool = true, includingUndone: Bool = false) throws(BatchError) -> [ReviewEntry] {
        var conditions: [String] = []
        if !includingUndone { conditions.append("undone_at IS NULL") }
        if pendingOnly { conditions.append("answer_id IS NULL") }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM review_entries \(filter) ORDER BY id").map(Self.entry)
        }
    }

    static func entry(_ r: Row) -> ReviewEntry {
        ReviewEntry(id: r["id"], imageID: r["image_id"], field: r["field"], kind: ReviewAnswer.Kind(rawValue: r["kind"]) ?? .typed,
                    value: r["value"], person: r["person"], createdAt: r["created_at"], answerID: r["answer_id"], undoneAt: r["undone_at"])
    }

    /// Where a stored page's image is, and its registration.
    public func pageImage(imageID: Int64) throws(BatchError) -> StoredPageImage? {
        try read { db in
            guard let r = try Row.fetchOne(db, sql: """
                SELECT p.image_id, i.path, p.template, p.quarter_turns, p.transform FROM pages p JOIN images i ON i.id = p.image_id
                WHERE p.image_id = ?
                """, arguments: [imageID]) else { return nil }
            let json: String = r["transform"]
            guard let transform = try? JSON.decoder.decode(Homography.self, from: Data(json.utf8)) else { return nil }
            return StoredPageImage(imageID: r["image_id"], path: r["path"], template: r["template"], quarterTurns: r["quarter_turns"],
                                   transform: transform)
        }
    }

    /// Writes one station's row again (after a person's answer), as `rebuildStations` does.
    public func storeStation(_ s: Station) throws(BatchError) {
        try write { db in
            try db.execute(sql: "DELETE FROM stations WHERE key = ?", arguments: [s.key])
            try db.execute(sql: """
                INSERT INTO stations (key, status, pages, station_rules, failed_rules, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [s.key, s.status.rawValue,
                                 JSON.string(s.pages.map { ["image_id": "\($0.imageID)", "path": $0.path, "template": $0.template] }),
                                 JSON.string(s.stationRules), JSON.string(s.failedRules), Self.now()])
        }
    }
}

extension Station {
    /// A station from its pages as the review page recomputes them (the memberwise
    /// initialisers are internal to Batch).
    public static func make(key: String, pages: [Page]) -> Station { Station(key: key, pages: pages) }
}

extension Station.Page {
    public static func make(imageID: Int64, path: String, template: String, result: PageResult) -> Station.Page {
        Station.Page(imageID: imageID, path: path, template: template, result: result)
    }
}
