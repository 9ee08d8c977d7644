import Foundation
import Synchronization

/// Says, if the process crashes while a worker reads a page, which worker it was: a signal
/// handler for the crash signals appends `crashed run=R slot=S signal=N` to the database's lock
/// file (open for the whole batch), then lets the crash go on as it would have (the previous
/// handler or the default action). The next batch reads that line and records the page the
/// worker was reading (its `attempts` row) as `crashed` instead of reading it again. A batch
/// killed from outside (SIGKILL, power cut) leaves no line: its pages in flight are read again.
///
/// The handler only does what is safe in a signal handler: it reads memory set up before it
/// was installed, formats digits into a fixed buffer and calls `write`, `sigaction`, `raise`.
/// (Swift can install it itself; no C shim is needed.)
enum CrashWatch {
    static let maxSlots = 256
    /// For tests of crash recovery: a batch started with this environment variable set to a
    /// file name crashes (SIGSEGV) when a worker starts reading a file of that name.
    static let testCrashVariable = "SCAN_C1_TEST_CRASH_ON"
    static let testCrashName: String? = ProcessInfo.processInfo.environment[testCrashVariable]

    /// Batches of this process watching (a library user may run several at once: the handler
    /// is installed once, and notes crashes for the first of them; a crash during another one
    /// is still caught by its `attempts` rows, once two batches died reading the same page).
    static let users = Mutex(0)

    /// Installs the handler for a batch holding `lockFD`.
    static func install(lockFD: Int32, runID: Int64) {
        let first = users.withLock { n in n += 1; return n == 1 }
        guard first else { return }
        for i in 0..<maxSlots { watchSlots[i] = 0 }
        _ = (watchSignals, watchPrevious, watchNote)  // allocated before the handler can run
        watchFD = lockFD
        watchRunID = runID
        for i in 0..<watchSignalCount {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = crashHandler
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            sigemptyset(&action.sa_mask)
            sigaction(watchSignals[i], &action, watchPrevious + i)
        }
        watchInstalled = true
    }

    /// Puts back the handlers that were there before (when the last batch watching is done).
    static func uninstall() {
        let last = users.withLock { n in n = max(0, n - 1); return n == 0 }
        guard last, watchInstalled else { return }
        for i in 0..<watchSignalCount { sigaction(watchSignals[i], watchPrevious + i, nil) }
        watchInstalled = false
        watchFD = -1
    }

    /// The calling thread reads `path` for `slot` (a page's reading runs on one thread: it is
    /// synchronous, with no suspension point).
    static func reading(slot: Int, path: String) {
        guard slot >= 0 && slot < maxSlots else { return }
        watchSlots[slot] = UInt(bitPattern: Int(bitPattern: pthread_self()))
        if let name = testCrashName, watchInstalled, (path as NSString).lastPathComponent == name {
            UnsafeMutablePointer<Int>(bitPattern: 0x10)!.pointee = 1  // a real fault, as a decoder's would be
        }
    }

    static func done(slot: Int) {
        guard slot >= 0 && slot < maxSlots else { return }
        watchSlots[slot] = 0
    }
}

// Plain memory the handler reads: allocated once, never freed, set before it is installed.
nonisolated(unsafe) private var watchFD: Int32 = -1
nonisolated(unsafe) private var watchRunID: Int64 = 0
nonisolated(unsafe) private var watchInstalled = false
nonisolated(unsafe) private let watchSlots = UnsafeMutablePointer<UInt>.allocate(capacity: CrashWatch.maxSlots)
nonisolated(unsafe) private let watchSignalCount = 6
nonisolated(unsafe) private let watchSignals: UnsafeMutablePointer<Int32> = {
    let list: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]
    let p = UnsafeMutablePointer<Int32>.allocate(capacity: list.count)
    p.initialize(from: list, count: list.count)
    return p
}()
nonisolated(unsafe) private let watchPrevious = UnsafeMutablePointer<sigaction>.allocate(capacity: 6)
nonisolated(unsafe) private let watchNote = UnsafeMutablePointer<UInt8>.allocate(capacity: 128)

/// Writes `value` in decimal at `p[n...]`, returning the new length.
private func putDecimal(_ value: Int64, _ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int {
    var n = n
    if value < 0 { p[n] = UInt8(ascii: "-"); n += 1 }
    var v = value.magnitude
    var digits = 0
    var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
              UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &tmp) { t in
        repeat { t[digits] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10; digits += 1 } while v > 0
        while digits > 0 { digits -= 1; p[n] = t[digits]; n += 1 }
    }
    return n
}

private func putText(_ s: StaticString, _ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int {
    let src = s.utf8Start
    for i in 0..<s.utf8CodeUnitCount { p[n + i] = src[i] }
    return n + s.utf8CodeUnitCount
}

private func crashHandler(_ sig: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    let me = UInt(bitPattern: Int(bitPattern: pthread_self()))
    var slot: Int64 = -1
    var i = 0
    while i < CrashWatch.maxSlots {
        if watchSlots[i] == me && me != 0 { slot = Int64(i); break }
        i += 1
    }
    // A fault of this thread (si_code > 0: from the kernel), or abort(); a signal sent by
    // kill() is not a crash of the page being read.
    let fault = (info?.pointee.si_code ?? 0) > 0 || sig == SIGABRT
    if watchFD >= 0 && fault {
        let p = watchNote
        var n = putText("crashed run=", p, 0)
        n = putDecimal(watchRunID, p, n)
        n = putText(" slot=", p, n)
        n = putDecimal(slot, p, n)
        n = putText(" signal=", p, n)
        n = putDecimal(Int64(sig), p, n)
        n = putText("\n", p, n)
        lseek(watchFD, 0, SEEK_END)
        _ = write(watchFD, p, n)
    }
    // Back to what was there before; returning runs the faulting instruction again, which
    // now goes to the previous handler (Swift's backtracer) or the default action.
    var k = 0
    while k < watchSignalCount { sigaction(watchSignals[k], watchPrevious + k, nil); k += 1 }
    if !fault { raise(sig) }
}
