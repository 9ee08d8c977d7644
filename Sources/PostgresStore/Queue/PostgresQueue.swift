import Foundation
import PostgresNIO

/// One image a worker holds a lease on.
public struct QueueJob: Sendable, Equatable {
    public var id: Int64
    public var path: String
    public var contentHash: String
    /// How often it was claimed, this claim included (more than 1: an earlier worker died or gave it back).
    public var claims: Int
}

/// How much of the queue is waiting, leased and done.
public struct QueueCounts: Sendable, Equatable {
    public var waiting = 0, leased = 0, done = 0
}

/// The work queue in the shared store. A claim takes the first image nobody holds (waiting, or
/// leased with the lease run out) with `FOR UPDATE SKIP LOCKED`, so workers never wait on each
/// other; `complete` runs inside the transaction that writes the page's results and fails when
/// the lease was taken over, so each image's results are committed exactly once.
extension PostgresStore {
    /// Adds images to read; an image already queued (same path) is left as it is. Returns how many were added.
    @discardableResult
    public func enqueue(_ images: [(path: String, contentHash: String, size: Int64)], at time: String) async throws -> Int {
        var added = 0
        try await transaction { db, logger in
            for image in images {
                let rows = try await db.query("""
                    INSERT INTO queue (path, content_hash, size, enqueued_at) VALUES (\(image.path), \(image.contentHash), \(image.size), \(time))
                    ON CONFLICT (path) DO NOTHING RETURNING id
                    """, logger: logger)
                for try await _ in rows.decode(Int64.self) { added += 1 }
            }
        }
        return added
    }

    /// The next image for `worker`, leased for `lease` seconds; nil when nothing is left to claim.
    public func claim(worker: String, lease: Double) async throws -> QueueJob? {
        let rows = try await connection.query("""
            UPDATE queue SET state = 'leased', worker = \(worker), lease_until = now() + make_interval(secs => \(lease)), claims = claims + 1
            WHERE id = (SELECT id FROM queue
                        WHERE state = 'waiting' OR (state = 'leased' AND lease_until < now())
                        ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, path, content_hash, claims
            """, logger: logger)
        for try await (id, path, hash, claims) in rows.decode((Int64, String, String, Int64).self) {
            return QueueJob(id: id, path: path, contentHash: hash, claims: Int(claims))
        }
        return nil
    }

    /// Extends the lease; false when the lease is no longer this worker's (it ran out and another took it).
    public func renew(_ job: QueueJob, worker: String, lease: Double) async throws -> Bool {
        let rows = try await connection.query("""
            UPDATE queue SET lease_until = now() + make_interval(secs => \(lease))
            WHERE id = \(job.id) AND worker = \(worker) AND state = 'leased' RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(Int64.self) { return true }
        return false
    }

    /// Hands the image back unread (Ctrl-C, shutting down): the next claim takes it at once.
    public func giveBack(_ job: QueueJob, worker: String) async throws {
        try await connection.query("""
            UPDATE queue SET state = 'waiting', worker = NULL, lease_until = NULL
            WHERE id = \(job.id) AND worker = \(worker) AND state = 'leased'
            """, logger: logger)
    }

    /// Marks the image done inside the transaction writing its results (`db` is that
    /// transaction's connection). Throws `QueueLeaseLost` when another worker holds it now, so
    /// the caller's transaction rolls back and the results are not written twice.
    public static func complete(_ job: QueueJob, worker: String, at time: String, on db: PostgresConnection, logger: Logger) async throws {
        let rows = try await db.query("""
            UPDATE queue SET state = 'done', done_at = \(time), lease_until = NULL
            WHERE id = \(job.id) AND worker = \(worker) AND state = 'leased' RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(Int64.self) { return }
        throw QueueLeaseLost(path: job.path)
    }

    public func queueCounts() async throws -> QueueCounts {
        var counts = QueueCounts()
        let rows = try await connection.query("SELECT state, count(*) FROM queue GROUP BY state", logger: logger)
        for try await (state, n) in rows.decode((String, Int64).self) {
            switch state {
            case "waiting": counts.waiting = Int(n)
            case "leased": counts.leased = Int(n)
            default: counts.done = Int(n)
            }
        }
        return counts
    }
}

/// The lease on an image ran out and another worker took it: this worker's results are dropped.
public struct QueueLeaseLost: Error, CustomStringConvertible {
    public var path: String
    public var description: String { "the lease on \(path) was taken over by another worker; its results are not written twice" }
}
