import Batch
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// A shared batch store in PostgreSQL: one connection, the batch schema migrated on open
/// (`PostgresDialect`, the same tables and migration ids as the SQLite file), checked against
/// `Schema.required`, and the work queue (`PostgresStore+Queue`). Many processes may open the
/// same database at once: migrations run under an advisory lock.
public final class PostgresStore: Sendable {
    public let location: PostgresLocation
    let connection: PostgresConnection
    let logger: Logger

    /// Lock key of the migrations ("SC1B" as in the SQLite application id).
    static let migrationLock: Int64 = Int64(Schema.applicationID)

    private init(location: PostgresLocation, connection: PostgresConnection, logger: Logger) {
        self.location = location
        self.connection = connection
        self.logger = logger
    }

    /// Close it with `close()` before letting go (PostgresNIO asserts a connection is closed
    /// before it is freed, and closing is asynchronous, so `deinit` cannot do it).

    /// Connects, migrates (add-only) and checks the tables. Errors say what to do.
    public static func open(_ location: PostgresLocation, password: String?) async throws(PostgresStoreError) -> PostgresStore {
        var logger = Logger(label: "scan-c1.postgres")
        logger.logLevel = .critical
        let server = "\(location.socketFolder ?? location.host):\(location.port)"
        let connection: PostgresConnection
        do {
            var config: PostgresConnection.Configuration
            if let folder = location.socketFolder {
                config = .init(unixSocketPath: "\(folder)/.s.PGSQL.\(location.port)", username: location.user, password: password, database: location.database)
            } else {
                config = .init(host: location.host, port: location.port, username: location.user, password: password,
                               database: location.database, tls: try tls(location.tls))
            }
            config.options.connectTimeout = .seconds(10)
            connection = try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
        } catch {
            throw map(error, location: location, server: server)
        }
        let store = PostgresStore(location: location, connection: connection, logger: logger)
        do {
            try await store.migrate()
            try await store.checkTables()
        } catch {
            await store.close()
            throw map(error, location: location, server: server)
        }
        return store
    }

    public func close() async { try? await connection.close() }

    private static func tls(_ mode: PostgresLocation.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer, .require:
            // libpq's `require`: encrypted, the certificate not checked (verify-full checks it).
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            let context = try NIOSSLContext(configuration: tls)
            return mode == .prefer ? .prefer(context) : .require(context)
        case .verifyFull:
            return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    /// A connection or server error as what it means for the person at the machine.
    static func map(_ error: any Error, location: PostgresLocation, server: String) -> PostgresStoreError {
        if let error = error as? PostgresStoreError { return error }
        guard let psql = error as? PSQLError else {
            if error is NIOSSLError { return .tlsFailed(server: server, detail: String(describing: error)) }
            return .unreachable(server: server, detail: String(describing: error))
        }
        switch psql.code {
        case .server:
            let state = psql.serverInfo?[.sqlState] ?? ""
            let message = psql.serverInfo?[.message] ?? "\(psql)"
            switch state {
            case "28P01", "28000": return .wrongPassword(user: location.user, server: server)
            case "3D000": return .noSuchDatabase(location.database, server: server)
            default: return .server("\(state) \(message)")
            }
        case .authMechanismRequiresPassword: return .passwordNeeded(user: location.user)
        case .sslUnsupported: return .tlsFailed(server: server, detail: "the server does not offer TLS")
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            if let underlying = psql.underlying, underlying is NIOSSLError { return .tlsFailed(server: server, detail: String(describing: underlying)) }
            return .unreachable(server: server, detail: psql.underlying.map { String(describing: $0) } ?? "\(psql.code)")
        default:
            return .server("\(psql.code) \(psql.underlying.map { String(describing: $0) } ?? "")")
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    public func transaction<T: Sendable>(_ body: (PostgresConnection, Logger) async throws -> T) async throws -> T {
        try await connection.query("BEGIN", logger: logger)
        do {
            let value = try await body(connection, logger)
            try await connection.query("COMMIT", logger: logger)
            return value
        } catch {
            try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// Applies the migrations this database lacks, under an advisory lock (workers starting together).
    func migrate() async throws {
        let server = "\(location.socketFolder ?? location.host):\(location.port)"
        try await transaction { db, logger in
            try await db.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            var tables: Set<String> = []
            for try await name in try await db.query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()", logger: logger).decode(String.self) {
                tables.insert(name)
            }
            if !tables.isEmpty && !tables.contains("grdb_migrations") { throw PostgresStoreError.notOurs(server: server) }
            try await db.query("CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)", logger: logger)
            var applied: Set<String> = []
            for try await id in try await db.query("SELECT identifier FROM grdb_migrations", logger: logger).decode(String.self) { applied.insert(id) }
            if !tables.isEmpty && !applied.contains("v1") { throw PostgresStoreError.notOurs(server: server) }
            for migration in PostgresDialect.migrations where !applied.contains(migration.id) {
                for statement in migration.statements { try await db.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await db.query("INSERT INTO grdb_migrations (identifier) VALUES (\(migration.id))", logger: logger)
            }
        }
    }

    /// Tables and their columns as the server has them.
    public func tables() async throws -> [String: [String]] {
        var tables: [String: [String]] = [:]
        let rows = try await connection.query("""
            SELECT table_name::text, column_name::text FROM information_schema.columns
            WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position
            """, logger: logger)
        for try await (table, column) in rows.decode((String, String).self) { tables[table, default: []].append(column) }
        return tables
    }

    func checkTables() async throws {
        let have = try await tables()
        for (table, columns) in Schema.required.sorted(by: { $0.key < $1.key }) {
            let missing = columns.filter { !(have[table] ?? []).contains($0) }
            if !missing.isEmpty { throw PostgresStoreError.schemaMismatch(table: table, missing: missing) }
        }
    }
}
