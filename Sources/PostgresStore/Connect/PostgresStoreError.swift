import Foundation

/// What went wrong with a shared store, said so that the person at the machine knows what to do
/// (Indonesian first, then English, as the CLI's other setup errors). `exitCode` is the CLI's:
/// 3 setup failed (server refused us, unreachable, not scan-c1's), 64 bad usage (the location).
public enum PostgresStoreError: Error, Equatable, CustomStringConvertible {
    /// The `--db` value is not `postgresql://USER@HOST:PORT/DATABASE[?sslmode=…]`.
    case badLocation(String)
    /// A password written into the URL (it would be visible in the process list).
    case passwordInLocation
    case passwordFileUnreadable(String)
    /// The server asked for a password and none was given.
    case passwordNeeded(user: String)
    /// The server refused the user name or password (SQLSTATE 28P01 / 28000).
    case wrongPassword(user: String, server: String)
    /// The database named in the URL does not exist on the server (3D000).
    case noSuchDatabase(String, server: String)
    /// Nothing answered at that address (refused, no route, timed out, no such host).
    case unreachable(server: String, detail: String)
    /// TLS was asked for (`sslmode=require`) and the server does not offer it, or its certificate failed.
    case tlsFailed(server: String, detail: String)
    /// The database has tables of another program (no `grdb_migrations` with our migrations).
    case notOurs(server: String)
    /// A table lacks a column this version reads and writes.
    case schemaMismatch(table: String, missing: [String])
    /// Any other error the server or the connection reported.
    case server(String)

    public var exitCode: Int32 {
        switch self {
        case .badLocation, .passwordInLocation: return 64
        default: return 3
        }
    }

    public var description: String {
        switch self {
        case .badLocation(let text):
            return "alamat basis data tidak dikenal / not a database address: \(text) (expected postgresql://USER@HOST:PORT/DATABASE, optionally ?sslmode=require)"
        case .passwordInLocation:
            return "kata sandi tidak boleh ditulis di alamat (terlihat oleh semua pengguna mesin); pakai PGPASSWORD atau --password-file / the password must not be in the URL (visible in the process list): use PGPASSWORD or --password-file"
        case .passwordFileUnreadable(let file):
            return "berkas kata sandi tidak dapat dibaca / the password file cannot be read: \(file)"
        case .passwordNeeded(let user):
            return "server meminta kata sandi untuk \(user); berikan lewat PGPASSWORD atau --password-file / the server asks for \(user)'s password: give it with PGPASSWORD or --password-file"
        case .wrongPassword(let user, let server):
            return "server \(server) menolak pengguna \(user) atau kata sandinya; periksa PGPASSWORD / --password-file / \(server) refused user \(user) or its password: check PGPASSWORD or --password-file"
        case .noSuchDatabase(let db, let server):
            return "basis data \(db) tidak ada di \(server); buat dengan createdb / database \(db) does not exist on \(server): create it (createdb)"
        case .unreachable(let server, let detail):
            return "server \(server) tidak dapat dihubungi (\(detail)); periksa alamat, port dan jaringan, atau bekerja offline ke berkas SQLite lalu sync / cannot reach \(server) (\(detail)): check host, port and network, or work offline into an SQLite file"
        case .tlsFailed(let server, let detail):
            return "sambungan TLS ke \(server) gagal (\(detail)) / TLS to \(server) failed (\(detail)): the server must offer TLS for sslmode=require"
        case .notOurs(let server):
            return "basis data di \(server) milik program lain; tidak disentuh / the database on \(server) belongs to another program: left untouched"
        case .schemaMismatch(let table, let missing):
            return "tabel \(table) tidak memiliki kolom \(missing.joined(separator: ", ")) / table \(table) lacks the columns \(missing.joined(separator: ", "))"
        case .server(let text):
            return "kesalahan basis data / database error: \(text)"
        }
    }
}
