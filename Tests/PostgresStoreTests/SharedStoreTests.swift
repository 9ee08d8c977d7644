import Batch
import Foundation
import PostgresNIO
@testable import PostgresStore
import Testing

@Suite("PostgreSQL shared store", .serialized, .disabled(if: TestPostgres.skipped, "SCAN_C1_SKIP_POSTGRES=1"))
struct SharedStoreTests {
    @Test("Opening migrates to the batch schema: every table and column of docs/batch-database.md, twice changes nothing")
    func schema() async throws {
        let location = try await TestPostgres.freshDatabase()
        let store = try await PostgresStore.open(location, password: TestPostgres.password)
        let tables = try await store.tables()
        for (table, columns) in Schema.required {
            #expect(Set(columns).isSubset(of: Set(tables[table] ?? [])), "\(table): \(tables[table] ?? [])")
        }
        #expect(tables["queue"] != nil)
        await store.close()
        let again = try await PostgresStore.open(location, password: TestPostgres.password)
        let ids = try await again.transaction { db, logger in
            var ids: [String] = []
            for try await id in try await db.query("SELECT identifier FROM grdb_migrations ORDER BY identifier", logger: logger).decode(String.self) { ids.append(id) }
            return ids
        }
        #expect(ids == PostgresDialect.migrations.map(\.id).sorted())
        #expect(ids.contains("v1") && ids.contains("v3-missing-pages") && ids.contains("pg-v1-queue"))
        await again.close()
    }

    @Test("Several processes opening one new database at once migrate it once")
    func concurrentOpen() async throws {
        let location = try await TestPostgres.freshDatabase()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { let s = try await PostgresStore.open(location, password: TestPostgres.password); await s.close() }
            }
            try await group.waitForAll()
        }
    }

    @Test("A database of another program is refused untouched")
    func notOurs() async throws {
        let location = try await TestPostgres.freshDatabase()
        let logger = Logger(label: "test")
        let c = try await PostgresConnection.connect(configuration: .init(host: location.host, port: location.port, username: location.user,
                                                                           password: TestPostgres.password, database: location.database, tls: .disable), id: 2, logger: logger)
        try await c.query("CREATE TABLE invoices (id BIGINT)", logger: logger)
        try await c.close()
        await #expect(throws: PostgresStoreError.notOurs(server: "\(location.host):\(location.port)")) {
            _ = try await PostgresStore.open(location, password: TestPostgres.password)
        }
    }

    @Test("Queue: workers claim different images; a lease that runs out is claimed again and the first worker's results are refused")
    func queueLeases() async throws {
        let location = try await TestPostgres.freshDatabase()
        let a = try await PostgresStore.open(location, password: TestPostgres.password)
        let b = try await PostgresStore.open(location, password: TestPostgres.password)
        let added = try await a.enqueue([("/shared/1.jpg", "h1", 10), ("/shared/2.jpg", "h2", 20), ("/shared/3.jpg", "h3", 30)], at: "t0")
        #expect(added == 3)
        #expect(try await a.enqueue([("/shared/1.jpg", "h1", 10)], at: "t1") == 0)   // enqueue twice: once

        let ja = try #require(try await a.claim(worker: "A", lease: 0.5))
        let jb = try #require(try await b.claim(worker: "B", lease: 30))
        #expect(ja.path != jb.path)
        #expect(try await a.renew(ja, worker: "A", lease: 0.5))
        // B finishes its image in one transaction.
        try await b.transaction { db, logger in try await PostgresStore.complete(jb, worker: "B", at: "t2", on: db, logger: logger) }

        // A stops renewing (as if SIGKILLed): after its lease, B gets A's image, claimed twice.
        try await Task.sleep(for: .milliseconds(1200))
        var seen: [QueueJob] = []
        while let j = try await b.claim(worker: "B", lease: 30) { seen.append(j) }
        #expect(seen.map(\.path).sorted() == ["/shared/3.jpg", ja.path].sorted())
        #expect(seen.first(where: { $0.path == ja.path })?.claims == 2)
        // A comes back late: its results are refused (rolled back), B's stand.
        await #expect(throws: QueueLeaseLost.self) {
            try await a.transaction { db, logger in try await PostgresStore.complete(ja, worker: "A", at: "t3", on: db, logger: logger) }
        }
        #expect(try await a.renew(ja, worker: "A", lease: 5) == false)
        for j in seen { try await b.transaction { db, logger in try await PostgresStore.complete(j, worker: "B", at: "t4", on: db, logger: logger) } }
        #expect(try await a.queueCounts() == QueueCounts(waiting: 0, leased: 0, done: 3))
        #expect(try await a.claim(worker: "A", lease: 5) == nil)
        await a.close(); await b.close()
    }

    @Test("A given-back image is claimed again at once")
    func giveBack() async throws {
        let location = try await TestPostgres.freshDatabase()
        let s = try await PostgresStore.open(location, password: TestPostgres.password)
        try await s.enqueue([("/shared/x.jpg", "hx", 1)], at: "t0")
        let j = try #require(try await s.claim(worker: "A", lease: 600))
        #expect(try await s.claim(worker: "B", lease: 600) == nil)
        try await s.giveBack(j, worker: "A")
        #expect(try await s.claim(worker: "B", lease: 600)?.path == "/shared/x.jpg")
        await s.close()
    }

    @Test("A wrong password, no password, an unreachable server and a password in the URL are told apart")
    func connectionErrors() async throws {
        let location = try TestPostgres.location()
        let server = "\(location.host):\(location.port)"
        await #expect(throws: PostgresStoreError.wrongPassword(user: location.user, server: server)) {
            _ = try await PostgresStore.open(location, password: "not-the-password")
        }
        await #expect(throws: PostgresStoreError.passwordNeeded(user: location.user)) {
            _ = try await PostgresStore.open(location, password: nil)
        }
        var missing = location
        missing.database = "no_such_database"
        await #expect(throws: PostgresStoreError.noSuchDatabase("no_such_database", server: server)) {
            _ = try await PostgresStore.open(missing, password: TestPostgres.password)
        }
        var closed = location
        closed.port = try freePort()
        do {
            _ = try await PostgresStore.open(closed, password: TestPostgres.password)
            Issue.record("connected to a closed port")
        } catch {
            guard case .unreachable = error else { Issue.record("\(error)"); return }
            #expect(error.exitCode == 3)
        }
        #expect(throws: PostgresStoreError.passwordInLocation) { _ = try PostgresLocation(parsing: "postgresql://scan:secret@127.0.0.1:5432/scan") }
        #expect(PostgresStoreError.passwordInLocation.exitCode == 64)
        #expect(PostgresStoreError.wrongPassword(user: "u", server: "s").exitCode == 3)
    }

    @Test("TLS when the URL asks for it: a server without TLS is refused, not used in clear")
    func tlsRequired() async throws {
        var location = try TestPostgres.location()
        location.tls = .require
        do {
            _ = try await PostgresStore.open(location, password: TestPostgres.password)
            Issue.record("connected without TLS")
        } catch {
            guard case .tlsFailed = error else { Issue.record("\(error)"); return }
        }
    }

    @Test("Locations: user, host, port, database, sslmode, unix socket folder")
    func locations() throws {
        let l = try PostgresLocation(parsing: "postgresql://scan@db.example:6543/count?sslmode=require")
        #expect(l.user == "scan" && l.host == "db.example" && l.port == 6543 && l.database == "count" && l.tls == .require)
        let s = try PostgresLocation(parsing: "postgres://scan@/count?host=/run/pg")
        #expect(s.socketFolder == "/run/pg" && s.port == 5432)
        #expect(throws: PostgresStoreError.self) { _ = try PostgresLocation(parsing: "postgresql://scan@host/") }
        #expect(!PostgresLocation.isPostgres("photos.scan-c1.sqlite"))
    }

    func freePort() throws -> Int {
        // A port nothing listens on: bind one, read it, close it.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
