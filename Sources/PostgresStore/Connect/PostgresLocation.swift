import Foundation

/// Where a shared store is: `postgresql://USER@HOST:PORT/DATABASE[?sslmode=require]` (or
/// `postgres://`; `?host=/run/dir` for a unix socket, as libpq reads it). The password is never
/// part of it (a URL is in the process arguments, which every user of the machine can read):
/// it comes from `PGPASSWORD` or a password file (`--password-file`, first line).
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
        /// Encrypted, and the server's certificate checked against the system's roots and its name.
        case verifyFull = "verify-full"
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    /// A unix socket folder (`?host=/dir`): the socket is `DIR/.s.PGSQL.PORT`.
    public var socketFolder: String?
    public var tls: TLSMode

    /// True for a `--db` value that names PostgreSQL rather than an SQLite file.
    public static func isPostgres(_ value: String) -> Bool {
        value.hasPrefix("postgresql://") || value.hasPrefix("postgres://")
    }

    public init(parsing text: String) throws(PostgresStoreError) {
        guard Self.isPostgres(text), let url = URLComponents(string: text) else { throw .badLocation(text) }
        if url.password != nil { throw .passwordInLocation }
        guard let user = url.user, !user.isEmpty else { throw .badLocation(text) }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw .badLocation(text) }
        self.user = user.removingPercentEncoding ?? user
        self.database = database.removingPercentEncoding ?? database
        self.port = url.port ?? 5432
        var host = url.host ?? ""
        var tls = TLSMode.disable
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable", "allow": tls = .disable
                case "prefer": tls = .prefer
                case "require", "verify-ca": tls = .require
                case "verify-full": tls = .verifyFull
                default: throw .badLocation(text)
                }
            case "host": host = item.value ?? host
            case "password": throw .passwordInLocation
            default: throw .badLocation(text)
            }
        }
        if host.hasPrefix("/") { socketFolder = host; self.host = "localhost" } else {
            socketFolder = nil
            self.host = host.isEmpty ? "localhost" : host
        }
        self.tls = tls
    }

    /// The location as it may be printed (it never holds a password).
    public var description: String {
        let place = socketFolder.map { "?host=\($0)" } ?? ""
        let mode = tls == .disable ? "" : (place.isEmpty ? "?" : "&") + "sslmode=\(tls.rawValue)"
        return "postgresql://\(user)@\(socketFolder == nil ? host : ""):\(port)/\(database)\(place)\(mode)"
    }
}

/// The password of a shared store: from a file (`--password-file`: its first line) or the
/// environment (`PGPASSWORD`), never from the arguments. `nil`: the server asks for none (trust
/// or peer authentication); a server that asks anyway gives `PostgresStoreError.passwordNeeded`.
public enum PostgresPassword {
    public static func resolve(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(PostgresStoreError) -> String?
    {
        if let file {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw .passwordFileUnreadable(file)
            }
            return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        }
        return environment["PGPASSWORD"]
    }
}
