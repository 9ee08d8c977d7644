import Foundation

/// An exclusive lock on a batch database, held while a batch (or an export, or verify storing
/// corrections) writes to it: a second one is refused at once, told which process has it.
///
/// The lock is `flock` on a small file beside the database (`DB-lock`), so the kernel releases
/// it when its holder dies, even by SIGKILL: a stale lock cannot stop the next batch. The file
/// says who holds it (`pid`, host, what for, since when) and, after a crash of a batch, which of
/// its workers crashed (`CrashWatch` appends that line; the next batch reads it).
public final class DatabaseLock {
    public let path: String
    let fd: Int32

    /// What a batch that died by a crash left in the lock file.
    public struct CrashNote: Sendable, Equatable {
        public var runID: Int64
        /// The worker slot whose page was being read (-1: not while reading a page).
        public var slot: Int
        public var signal: Int32
    }

    /// Takes the lock of the database at `databasePath`, or throws `.busy` naming its holder.
    /// Returns what a crashed batch noted there (only a batch consumes it; others keep it).
    public static func acquire(databasePath: String, purpose: String) throws(BatchError) -> (DatabaseLock, CrashNote?) {
        let path = databasePath + "-lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            throw .database(databasePath, reason: "cannot open its lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let e = errno
            let holder = Self.contents(fd).split(separator: "\n").first.map(String.init) ?? ""
            close(fd)
            if e == EWOULDBLOCK {
                throw .busy(databasePath, holder: holder.isEmpty ? "it has just started" : holder)
            }
            throw .database(databasePath, reason: "cannot lock \(path): \(String(cString: strerror(e)))")
        }
        let old = Self.contents(fd)
        let crashLines = old.split(separator: "\n").filter { $0.hasPrefix("crashed ") }
        let note = crashLines.last.flatMap { Self.parse(String($0)) }
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        var text = "\(purpose) pid \(getpid()) on \(String(cString: host)) since \(ScanDatabase.now())\n"
        if purpose != "batch" { text += crashLines.map { $0 + "\n" }.joined() }
        ftruncate(fd, 0)
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        fsync(fd)
        let keep = purpose == "batch" ? "" : crashLines.map { $0 + "\n" }.joined()
        return (DatabaseLock(path: path, fd: fd, keep: keep), purpose == "batch" ? note : nil)
    }

    /// What the file keeps once released: a crash note not consumed by this holder.
    let keep: String

    init(path: String, fd: Int32, keep: String) { self.path = path; self.fd = fd; self.keep = keep }

    /// Released: the file no longer names a holder (the kernel releases the lock itself if
    /// the process dies; then the file still names it, and a crash note may follow).
    deinit {
        ftruncate(fd, 0)
        let bytes = Array(keep.utf8)
        if !bytes.isEmpty { _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
        flock(fd, LOCK_UN)
        close(fd)
    }

    static func contents(_ fd: Int32) -> String {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var offset: off_t = 0
        while out.count < 65536 {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n <= 0 { break }
            out += buffer[0..<n]
            offset += off_t(n)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `crashed run=12 slot=0 signal=11`.
    static func parse(_ line: String) -> CrashNote? {
        var values: [String: String] = [:]
        for part in line.split(separator: " ").dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { values[String(kv[0])] = String(kv[1]) }
        }
        guard let run = values["run"].flatMap({ Int64($0) }), let slot = values["slot"].flatMap({ Int($0) }) else { return nil }
        return CrashNote(runID: run, slot: slot, signal: values["signal"].flatMap { Int32($0) } ?? 0)
    }
}
