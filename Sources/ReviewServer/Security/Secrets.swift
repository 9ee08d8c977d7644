import Foundation
import Synchronization

/// Random tokens from the kernel (`/dev/urandom`), hex-encoded.
enum Secrets {
    static func token(bytes: Int = 32) -> String {
        var data = FileHandle(forReadingAtPath: "/dev/urandom").map { h in
            defer { try? h.close() }
            return h.readData(ofLength: bytes)
        } ?? Data()
        if data.count != bytes {
            // No /dev/urandom (not Linux): the system generator is also cryptographically secure.
            var g = SystemRandomNumberGenerator()
            data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &g) })
        }
        return data.map { String(format: "%02x", $0) }.joined()
    }

    /// Compares in time independent of where the strings differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var d: UInt8 = 0
        for i in x.indices { d |= x[i] ^ y[i] }
        return d == 0
    }
}

/// A browser's session: its CSRF token, the person's name (asked once), the answers it gave
/// (for undo), and its language.
struct Session: Sendable {
    var csrf: String
    var person: String = ""
    var answers: [Undoable] = []
    /// What the last answer did, shown on the next screen.
    var last: AnswerOutcome?
}

/// The sessions of this server run (kept in memory: they end with the server).
final class Sessions: Sendable {
    private let sessions = Mutex<[String: Session]>([:])
    private let limit = 1000

    func create() -> (id: String, session: Session) {
        let id = Secrets.token(bytes: 16), s = Session(csrf: Secrets.token(bytes: 16))
        sessions.withLock { all in
            if all.count >= limit, let any = all.keys.first { all[any] = nil }
            all[id] = s
        }
        return (id, s)
    }

    func get(_ id: String) -> Session? { sessions.withLock { $0[id] } }

    func update(_ id: String, _ body: (inout Session) -> Void) {
        sessions.withLock { all in if var s = all[id] { body(&s); all[id] = s } }
    }
}
