import Batch
import Foundation

/// Batch progress on standard error: a live line on a terminal, a plain line every 10 seconds
/// otherwise, nothing with --quiet.
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private let quiet: Bool
    private let live = isatty(2) == 1
    private var lastPrint = 0.0
    private var last: BatchProgress?

    init(quiet: Bool) { self.quiet = quiet }

    func update(_ p: BatchProgress) {
        guard !quiet else { return }
        lock.lock(); defer { lock.unlock() }
        last = p
        let interval = live ? 0.2 : 10
        guard p.elapsed - lastPrint >= interval || p.done == p.total else { return }
        lastPrint = p.elapsed
        write(p)
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if !quiet && live && last != nil { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func write(_ p: BatchProgress) {
        let remaining = p.total - p.done
        let eta = p.rate > 0 ? Double(remaining) / p.rate : 0
        let statuses = ["verified", "corrected", "review", "missing"].compactMap { s in p.byStatus[s].map { "\(s) \($0)" } }
        var parts = ["\(p.done)/\(p.total)", String(format: "%.1f pages/s", p.rate)]
        if remaining > 0 && p.rate > 0 { parts.append("ETA \(Self.duration(eta))") }
        parts += statuses
        if p.duplicates > 0 { parts.append("duplicates \(p.duplicates)") }
        if p.errors > 0 { parts.append("errors \(p.errors)") }
        if p.skipped > 0 { parts.append("done before \(p.skipped)") }
        let line = parts.joined(separator: "  ")
        FileHandle.standardError.write(Data((live ? "\r\u{1B}[K" + line : "scan-c1: " + line + "\n").utf8))
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? "\(t / 3600)h\(String(format: "%02d", t % 3600 / 60))m" : t >= 60 ? "\(t / 60)m\(String(format: "%02d", t % 60))s" : "\(t)s"
    }
}

/// Runs a handler on a signal instead of the default action (SIGINT: finish cleanly). A second
/// signal of the same kind restores the default, so Ctrl-C twice stops at once.
final class SignalWatcher: @unchecked Sendable {
    private let source: DispatchSourceSignal
    private let signalNumber: Int32

    init(_ signalNumber: Int32, handler: @escaping @Sendable () -> Void) {
        self.signalNumber = signalNumber
        signal(signalNumber, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        let number = signalNumber
        source.setEventHandler {
            handler()
            signal(number, SIG_DFL)
        }
        source.resume()
    }

    func cancel() {
        source.cancel()
        signal(signalNumber, SIG_DFL)
    }
}
