import Foundation
import Logging
import PostgresNIO
import PostgresStore
import Testing

/// The PostgreSQL these tests use: `SCAN_C1_TEST_POSTGRES` (a URL without password) and
/// `SCAN_C1_TEST_POSTGRES_PASSWORD`, exported by scripts/test.sh, which starts a throwaway
/// cluster on loopback (scripts/test-postgres.sh). Without the URL the tests FAIL, so CI never
/// passes without having run them; `SCAN_C1_SKIP_POSTGRES=1` skips them for a local `swift test`.
enum TestPostgres {
    static let environment = ProcessInfo.processInfo.environment
    static let skipped = environment["SCAN_C1_SKIP_POSTGRES"] == "1"
    static var password: String? { environment["SCAN_C1_TEST_POSTGRES_PASSWORD"] }

    struct NotConfigured: Error, CustomStringConvertible {
        var description: String {
            "SCAN_C1_TEST_POSTGRES is not set: run scripts/test.sh (it starts a throwaway PostgreSQL), or set SCAN_C1_SKIP_POSTGRES=1 to skip these tests"
        }
    }

    static func location() throws -> PostgresLocation {
        guard let url = environment["SCAN_C1_TEST_POSTGRES"] else { throw NotConfigured() }
        return try PostgresLocation(parsing: url)
    }

    /// A new empty database on the test server, so that each test starts from nothing.
    static func freshDatabase() async throws -> PostgresLocation {
        var location = try location()
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let logger = Logger(label: "test")
        let connection = try await PostgresConnection.connect(
            configuration: .init(host: location.host, port: location.port, username: location.user, password: password,
                                 database: location.database, tls: .disable),
            id: 1, logger: logger)
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        try await connection.close()
        location.database = name
        return location
    }
}
