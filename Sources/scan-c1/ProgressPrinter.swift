import Batch
import Foundation

/// Batch progress on standard error: a live line on a terminal (at once, then redrawn every
/// second while pages are read, naming the file being read), a plain line every 10 seconds
/// otherwise, nothing with --quiet. The time left is smoothed: one slow photo among fast scans
/// moves it a little, not from 21 s to 5 minutes.
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private let quiet: Bool
    private let live = isatty(2) == 1
    private var lastPrint = -Double.infinity
    private var last: BatchProgress?
    /// Wall clock when `last` arrived: the line's clock runs between updates.
    private var lastArrived = ContinuousClock.now
    private var eta = ETA()
    private var stopping = false
    private var timer: DispatchSourceTimer?

    init(quiet: Bool) {
        self.quiet = quiet
        guard !quiet, live else { return }
        let t = DispatchSource.makeTimerSource(queue: .global())
        t.schedule(deadline: .now() + 1, repeating: 1)
        t.setEventHandler { [weak self] in self?.tick() }
        t.resume()
        timer = t
    }

    deinit { timer?.cancel() }

    func update(_ p: BatchProgress) {
        guard !quiet else { return }
        lock.lock(); defer { lock.unlock() }
        let finished = (last?.read ?? 0) != p.read || (last?.done ?? 0) != p.done
        last = p
        lastArrived = .now
        if finished { eta.update(remaining: p.total - p.done, rate: p.rate, at: p.elapsed) }
        let interval = live ? 0.2 : 10
        guard p.elapsed - lastPrint >= interval || p.done == p.total else { return }
        lastPrint = p.elapsed
        write(p)
    }

    /// The first line, at once, before the files are listed.
    func begin() {
        guard !quiet else { return }
        lock.lock(); defer { lock.unlock() }
        let line = "listing and hashing the files…"
        FileHandle.standardError.write(Data((live ? "\r\u{1B}[K" + line : "scan-c1: " + line + "\n").utf8))
    }

    /// Ctrl-C: said at once, on its own line, and the live line says it too until the end.
    func stopRequested() {
        lock.lock(); defer { lock.unlock() }
        stopping = true
        let message = "scan-c1: interrupted: stopping after the pages in flight… (Ctrl-C again to stop at once)\n"
        FileHandle.standardError.write(Data(((live && last != nil && !quiet ? "\r\u{1B}[K" : "") + message).utf8))
        if let last, !quiet { write(last) }
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        timer?.cancel()
        timer = nil
        if !quiet && live && last != nil { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func tick() {
        lock.lock(); defer { lock.unlock() }
        guard var p = last, timer != nil else { return }
        let d = ContinuousClock.now - lastArrived
        p.elapsed += Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        write(p)
    }

    private func write(_ p: BatchProgress) {
        let remaining = p.total - p.done
        let statuses = ["verified", "corrected", "review", "missing"].compactMap { s in p.byStatus[s].map { "\(s) \($0)" } }
        var parts = ["\(p.done)/\(p.total)"]
        if p.read > 0 { parts.append(String(format: "%.1f pages/s", p.rate)) }
        if remaining > 0, let left = eta.left(at: p.elapsed) { parts.append("ETA \(Self.duration(left))") }
        parts += statuses
        if p.duplicates > 0 { parts.append("duplicates \(p.duplicates)") }
        if p.errors > 0 { parts.append("errors \(p.errors)") }
        if p.skipped > 0 { parts.append("done before \(p.skipped)") }
        if stopping { parts.append("stopping after the pages in flight…") } else if let file = p.current.last {
            let name = (file as NSString).lastPathComponent
            parts.append("reading \(name)" + (p.current.count > 1 ? " (+\(p.current.count - 1))" : ""))
        } else if p.readingSince == nil {
            parts.append("listing and hashing the files…")
        }
        var line = parts.joined(separator: "  ")
        if live, let width = Self.terminalWidth(), line.count >= width { line = String(line.prefix(width - 2)) + "…" }
        FileHandle.standardError.write(Data((live ? "\r\u{1B}[K" + line : "scan-c1: " + line + "\n").utf8))
    }

    static func terminalWidth() -> Int? {
        var w = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 10 else { return nil }
        return Int(w.ws_col)
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? "\(t / 3600)h\(String(format: "%02d", t % 3600 / 60))m" : t >= 60 ? "\(t / 60)m\(String(format: "%02d", t % 60))s" : "\(t)s"
    }
}

/// The time left, smoothed: each page finished pulls the estimate a third of the way towards
/// what the rate so far says, and between pages it counts down.
struct ETA {
    private var estimate: Double?
    private var at = 0.0
    static let weight = 1.0 / 3

    mutating func update(remaining: Int, rate: Double, at now: Double) {
        guard rate > 0 else { return }
        let raw = Double(remaining) / rate
        if let e = left(at: now) { estimate = e + Self.weight * (raw - e) } else { estimate = raw }
        at = now
    }

    func left(at now: Double) -> Double? { estimate.map { max(0, $0 - (now - at)) } }
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
