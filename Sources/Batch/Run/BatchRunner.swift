import DigitReader
import FormScan
import Foundation
import Synchronization

/// How a batch runs.
public struct BatchOptions: Sendable {
    /// The folder given (the first of `inputs`).
    public var folder: String
    /// Folders (walked) and image files, as given. Paths are stored resolved (absolute, the
    /// links of the folders given followed), so the same folder given another way is the same.
    public var inputs: [String]
    /// Workers reading pages at once; each has its own Tesseract engine.
    public var jobs: Int
    /// Read again the images stored with other model or template versions, and error rows
    /// (except `crashed` ones: `retryErrors`).
    public var rescan: Bool
    /// A template id, or nil for auto.
    public var templateID: String?
    public var pagePattern: String
    /// Stations by file name (less the page marker `pagePattern`) or by folder.
    public var stations: StationChecker.Grouping
    /// When Tesseract reads a box (recorded with the run; the scanner factory applies it).
    public var secondReading: SecondReading
    /// Read again the images stored as errors (a crashed one too: after an upgrade that fixes it).
    public var retryErrors: Bool

    public init(folder: String, jobs: Int, rescan: Bool = false, templateID: String? = nil,
                pagePattern: String = StationChecker.defaultPagePattern, secondReading: SecondReading = .whereNeeded,
                retryErrors: Bool = false, inputs: [String]? = nil, stations: StationChecker.Grouping = .name) {
        self.inputs = inputs ?? [folder]
        self.folder = folder; self.jobs = jobs; self.rescan = rescan; self.templateID = templateID; self.pagePattern = pagePattern
        self.secondReading = secondReading; self.retryErrors = retryErrors; self.stations = stations
    }

    /// The station an image belongs to.
    public func stationKey(for path: String) -> String {
        StationChecker.stationKey(for: path, grouping: stations, pagePattern: pagePattern)
    }
}

/// A station in a summary: its key, status and the files of its pages.
public struct StationSummary: Sendable {
    public var key: String
    public var status: FieldStatus
    public var paths: [String]
    /// Pages of its form that no image gave: the station is incomplete.
    public var missingPages: [String] = []
}

/// Set from a signal handler: finish the pages in flight, start no more.
public final class StopRequest: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func request() { flag.store(true, ordering: .relaxed) }
    public var isRequested: Bool { flag.load(ordering: .relaxed) }
}

/// Where the batch is, for a progress line.
public struct BatchProgress: Sendable {
    public var total: Int
    public var done: Int
    public var skipped: Int
    public var byStatus: [String: Int]
    public var errors: Int
    public var duplicates: Int
    public var elapsed: Double
    /// When the reading of pages began (after the files were listed and hashed).
    public var readingSince: Double? = nil
    /// The files being read now, the latest started last.
    public var current: [String] = []
    /// Pages read per second in this run since the reading began (skipped images not counted).
    public var rate: Double {
        guard let since = readingSince, elapsed > since else { return 0 }
        return Double(read) / (elapsed - since)
    }
    public var read: Int { byStatus.values.reduce(0, +) }
}

/// What the batch came to.
public struct BatchSummary: Sendable {
    public var found: Int
    public var skipped: Int
    public var read: Int
    public var duplicates: Int
    public var errors: Int
    public var interrupted: Bool
    public var elapsed: Double
    /// Over the whole database, not only this run.
    public var pagesByStatus: [String: Int]
    public var errorsByKind: [String: Int]
    public var stationsNeedingReview: [StationSummary]
    /// Stations lacking a page of their form (whatever their numbers' status).
    public var incompleteStations: [StationSummary] = []
    public var stations: Int
    /// Pages stored with other model/template versions (read again with --rescan).
    public var stale: Int
    /// Entries given no row (hidden, plainly not images), with the reason.
    public var skippedFiles: [(path: String, reason: String)] = []
    /// Pages that a crashed batch was reading, recorded as `crashed` by this run.
    public var crashed: [String] = []
}

/// Holds a page scanner while one task uses it: slots are handed to one child task at a time,
/// never shared, so the non-Sendable scanner (and its Tesseract engine) stays single-threaded.
final class ScannerSlot: @unchecked Sendable {
    let scanner: PageScanner
    init(_ scanner: PageScanner) { self.scanner = scanner }
}

/// Reads every image under a folder into the database: walk, hash, skip what is done, read the
/// rest on `jobs` workers, write each image in one transaction from a single writer.
public struct BatchRunner: Sendable {
    public let database: ScanDatabase
    public let store: TemplateStore
    public let versions: Versions
    public let options: BatchOptions
    let makeScanner: @Sendable () throws -> PageScanner

    public init(database: ScanDatabase, store: TemplateStore, versions: Versions, options: BatchOptions,
                makeScanner: @escaping @Sendable () throws -> PageScanner) {
        self.database = database; self.store = store; self.versions = versions; self.options = options
        self.makeScanner = makeScanner
    }

    enum Planned {
        case skip
        case write(ImageRecord)
        case scan(path: String, hash: String, size: Int64)
        case duplicate(path: String, hash: String, size: Int64, ofPath: String)
    }

    /// Larger files are no page image (a 64-megapixel TIFF is 192 MB): refused unread.
    public static let maxFileBytes: Int64 = 512 << 20

    public func run(stop: StopRequest = StopRequest(), progress: @escaping @Sendable (BatchProgress) -> Void = { _ in })
        async throws -> BatchSummary {
        let start = ContinuousClock.now
        func elapsed() -> Double { let d = ContinuousClock.now - start; return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        for input in options.inputs where !FileManager.default.fileExists(atPath: input) { throw BatchError.folderNotFound(input) }

        // One batch at a time on a database; what the last one left behind is settled first.
        let (lock, crashNote) = try DatabaseLock.acquire(databasePath: database.path, purpose: "batch")
        defer { withExtendedLifetime(lock) {} }
        try database.closeDeadRuns(crashedRun: crashNote?.runID)

        let optionsJSON = JSON.string(["jobs": "\(options.jobs)", "rescan": "\(options.rescan)",
                                       "template": options.templateID ?? "auto", "page_pattern": options.pagePattern, "stations": options.stations.rawValue,
                                       "second_reading": options.secondReading.rawValue,
                                       "retry_errors": "\(options.retryErrors)"])
        let runID = try database.startRun(folder: options.inputs.joined(separator: " "), versions: versions, options: optionsJSON)
        let crashed = try settleAttempts(crashNote, runID: runID)
        CrashWatch.install(lockFD: lock.fd, runID: runID)
        defer { CrashWatch.uninstall() }  // before the lock is released: the handler writes to it

        let dbFiles = Set([database.path, database.path + "-wal", database.path + "-shm", lock.path].map(FolderWalker.realPath))
        let walker = FolderWalker(skip: dbFiles)
        var seen: Set<String> = []
        let walked = options.inputs.flatMap { walker.walk(FolderWalker.resolved($0)) }.filter { seen.insert($0.path).inserted }
        var skippedFiles: [(path: String, reason: String)] = []
        let entries = walked.filter { entry in
            if case .skipped(let path, let reason) = entry { skippedFiles.append((path, reason)); return false }
            return true
        }
        try adoptEarlierPaths(entries)
        let stored = try database.images()

        // Hash every file (in parallel), then decide per image in path order.
        let files = entries.compactMap { entry -> String? in if case .file(let p, _) = entry { return p } else { return nil } }
        let hashes = try await hashAll(files, stop: stop)
        let plan = makePlan(entries, hashes: hashes, stored: stored)

        var state = BatchProgress(total: plan.count, done: 0, skipped: 0, byStatus: [:], errors: 0, duplicates: 0, elapsed: elapsed())
        func account(_ record: ImageRecord) {
            switch record.outcome {
            case .page(let p): state.byStatus[p.status.rawValue, default: 0] += 1
            case .duplicate: state.duplicates += 1
            case .error: state.errors += 1
            }
            state.done += 1
            state.elapsed = elapsed()
            progress(state)
        }
        var scans: [(String, String, Int64)] = []
        var duplicates: [(String, String, Int64, String)] = []
        for p in plan {
            switch p {
            case .skip: state.skipped += 1; state.done += 1
            case .write(let record):
                try database.record(record, versions: versions, runID: runID)
                account(record)
            case .scan(let path, let hash, let size): scans.append((path, hash, size))
            case .duplicate(let path, let hash, let size, let of): duplicates.append((path, hash, size, of))
            }
        }
        state.elapsed = elapsed()
        state.readingSince = state.elapsed
        progress(state)

        // Read pages: at most `jobs` at once, each worker with its own scanner.
        let slots = try (0..<max(1, min(options.jobs, max(1, scans.count)))).map { _ in ScannerSlot(try makeScanner()) }
        var free = Array(slots.indices)
        var next = 0
        var inFlight: [(slot: Int, path: String)] = []
        let templateID = options.templateID
        let options = self.options
        try await withThrowingTaskGroup(of: (Int, ImageRecord).self) { group in
            func launch() throws {
                while !free.isEmpty && next < scans.count && !stop.isRequested {
                    let slotIndex = free.removeLast()
                    let slot = slots[slotIndex]
                    let (path, hash, size) = scans[next]
                    next += 1
                    // Committed before the reading starts: if it kills the process, the next
                    // batch knows which image it was.
                    try database.markStarted(path: path, contentHash: hash, runID: runID, slot: slotIndex)
                    inFlight.append((slotIndex, path))
                    state.current = inFlight.map(\.path)
                    state.elapsed = elapsed()
                    progress(state)
                    group.addTask {
                        CrashWatch.reading(slot: slotIndex, path: path)
                        defer { CrashWatch.done(slot: slotIndex) }
                        return (slotIndex, Self.scan(slot.scanner, path: path, hash: hash, size: size, templateID: templateID, station: options.stationKey(for: path)))
                    }
                }
            }
            try launch()
            while let (slotIndex, record) = try await group.next() {
                try database.record(record, versions: versions, runID: runID)
                inFlight.removeAll { $0.slot == slotIndex }
                state.current = inFlight.map(\.path)
                account(record)
                free.append(slotIndex)
                try launch()
            }
        }
        let interrupted = stop.isRequested && (next < scans.count || hashes.count < files.count)

        // Copies of a file read above (or earlier) are linked to it, not read again.
        let ids = try database.images()
        // A copy of a bad file is not a duplicate: it gets its own error row, of the same kind.
        for (path, hash, size, of) in duplicates {
            // The primary not read yet (interrupted), or changed while it was read: next run.
            guard let primary = ids[of], primary.contentHash == hash else { continue }
            let outcome: ImageRecord.Outcome
            switch primary.outcome {
            case "page": outcome = .duplicate(of: primary.id)
            case "error": outcome = Self.sameError(as: primary, path: path)
            default: continue
            }
            let record = ImageRecord(path: path, contentHash: hash, size: size, outcome: outcome,
                                     station: options.stationKey(for: path))
            try database.record(record, versions: versions, runID: runID)
            account(record)
        }

        // Pages read before under another grouping (`--stations`, `--station-pattern`) join
        // the stations these options make.
        try database.regroup(paths: entries.map(\.path), key: options.stationKey(for:))
        var needing: [StationSummary] = [], incomplete: [StationSummary] = [], stationCount = 0
        try database.rebuildStations(store: store) { s in
            stationCount += 1
            let summary = StationSummary(key: s.key, status: s.status, paths: s.pages.map(\.path), missingPages: s.missingPages)
            if s.status > .corrected { needing.append(summary) }
            if !s.isComplete { incomplete.append(summary) }
        }
        try database.finishRun(runID, outcome: interrupted ? "interrupted" : "finished")
        let counts = try database.counts()
        let stale = try database.staleCount(versions)
        return BatchSummary(found: entries.count, skipped: state.skipped, read: state.read, duplicates: state.duplicates,
                            errors: state.errors, interrupted: interrupted, elapsed: elapsed(),
                            pagesByStatus: counts.pages, errorsByKind: counts.errors,
                            stationsNeedingReview: needing, incompleteStations: incomplete, stations: stationCount, stale: stale,
                            skippedFiles: skippedFiles, crashed: crashed)
    }

    /// Rows stored under another spelling of a path found now (relative to the directory the
    /// batch ran in, or through a link: as scan-c1 0.1.0 stored them) take the resolved path,
    /// so they are not read again nor linked as duplicates of themselves.
    func adoptEarlierPaths(_ entries: [FoundEntry]) throws(BatchError) {
        let found = Set(entries.map(\.path))
        let stored = try database.images()
        var renames: [(from: String, to: String, station: String)] = []
        for path in stored.keys where !found.contains(path) {
            let resolved = FolderWalker.resolved(path)
            if resolved != path, found.contains(resolved), stored[resolved] == nil {
                renames.append((path, resolved, options.stationKey(for: resolved)))
            }
        }
        if !renames.isEmpty { try database.renamePaths(renames) }
    }

    /// The error of a file with the same bytes, said of `path`.
    public static func sameError(as primary: StoredImage, path: String) -> ImageRecord.Outcome {
        let text = (primary.errorText ?? "").replacingOccurrences(of: primary.path, with: path)
        return .error(kind: primary.errorKind ?? "unknown", text: text.isEmpty ? "\(path): same bytes as \(primary.path)" : text)
    }

    /// Pages in flight when an earlier batch died: the one a crash note names, and any that two
    /// batches died reading, are recorded as `crashed` (not read again: it would die again);
    /// the others (a batch killed from outside) are read again like any page not yet read.
    func settleAttempts(_ note: DatabaseLock.CrashNote?, runID: Int64) throws(BatchError) -> [String] {
        var crashed: [String] = []
        for a in try database.attempts() {
            guard FileManager.default.fileExists(atPath: a.path) else { try database.attemptSurvived(a.path, forget: true); continue }
            let named = note.map { $0.runID == a.runID && $0.slot == a.slot } ?? false
            guard named || a.deaths >= 1 else { try database.attemptSurvived(a.path); continue }
            let why = named ? "scan-c1 crashed while reading this image (signal \(note!.signal), run \(a.runID))"
                            : "the batch stopped \(a.deaths + 1) times while reading this image (a crash, or killed for using too much memory)"
            let text = "\(a.path): \(why): it is not read again, so that the rest of the folder is; keep the file for the developers (`batch --retry-errors` reads it again)"
            let record = ImageRecord(path: a.path, contentHash: a.contentHash, size: nil, outcome: .error(kind: "crashed", text: text),
                                     station: options.stationKey(for: a.path))
            try database.record(record, versions: versions, runID: runID)
            crashed.append(a.path)
        }
        return crashed
    }

    /// Reads one image; every failure becomes an error record, never a thrown error.
    /// The file is read once: the bytes hashed are the bytes decoded (a file changed since it
    /// was planned is stored under the hash of what was read).
    public static func scan(_ scanner: PageScanner, path: String, hash: String, size: Int64, templateID: String?, station: String) -> ImageRecord {
        let data: Data
        // The loader's reading: a FIFO or device put in the file's place since the walk is
        // refused, never waited on.
        do { data = try ImageLoader.readFile(path, whole: true) } catch {
            return ImageRecord(path: path, contentHash: nil, size: nil, outcome: .error(kind: error.kind, text: error.description), station: station)
        }
        let read = ContentHash.bytes(data), bytes = Int64(data.count)
        do {
            let page = try scanner.scan(data: data, name: path, templateID: templateID)
            return ImageRecord(path: path, contentHash: read, size: bytes, outcome: .page(page), station: station)
        } catch {
            return ImageRecord(path: path, contentHash: read, size: bytes, outcome: .error(kind: error.kind, text: error.description), station: station)
        }
    }

    enum HashResult: Sendable { case hash(String, Int64), failed(String) }

    /// Hashes the files, `jobs` at a time; after a stop request no more are started (the rest
    /// are simply not planned, and read by the next run).
    func hashAll(_ paths: [String], stop: StopRequest) async throws -> [String: HashResult] {
        var out: [String: HashResult] = [:]
        var next = 0
        try await withThrowingTaskGroup(of: (String, HashResult).self) { group in
            func launch() {
                group.addTask { [path = paths[next]] in
                    do {
                        let attrs = try FileManager.default.attributesOfItem(atPath: path)
                        let size = (attrs[.size] as? NSNumber)?.int64Value ?? 0
                        return (path, .hash(try ContentHash.file(path), size))
                    } catch {
                        return (path, .failed("cannot be read: check the permissions (\((error as NSError).localizedDescription))"))
                    }
                }
                next += 1
            }
            while next < paths.count && next < max(1, options.jobs) { launch() }
            while let (path, result) = try await group.next() {
                out[path] = result
                if next < paths.count && !stop.isRequested { launch() }
            }
        }
        return out
    }

    func makePlan(_ entries: [FoundEntry], hashes: [String: HashResult], stored: [String: StoredImage]) -> [Planned] {
        func current(_ s: StoredImage) -> Bool { s.readerVersion == versions.reader && s.templatesVersion == versions.templates }
        // Earlier readings that a copy can be linked to: pages only. A copy of an image that
        // crashed the reader gets the same error (reading it would crash again).
        var byHash: [String: StoredImage] = [:], crashedByHash: [String: StoredImage] = [:]
        var byID: [Int64: StoredImage] = [:]
        for s in stored.values.sorted(by: { $0.path < $1.path }) {
            byID[s.id] = s
            guard let h = s.contentHash else { continue }
            if s.outcome == "page", byHash[h] == nil { byHash[h] = s }
            if s.outcome == "error", s.errorKind == "crashed", crashedByHash[h] == nil { crashedByHash[h] = s }
        }
        /// Whether the stored row for this path, with these bytes, stands as it is.
        func done(_ s: StoredImage) -> Bool {
            switch s.outcome {
            case "duplicate": return s.duplicateOf.flatMap { byID[$0] }?.outcome == "page"  // never a copy of an error
            case "error": return !options.retryErrors && (!options.rescan || s.errorKind == "crashed")
            default: return !options.rescan || current(s)
            }
        }
        var scheduled: [String: String] = [:]  // hash -> path read in this run
        var plan: [Planned] = []
        for entry in entries {
            let path = entry.path
            let station = options.stationKey(for: path)
            switch entry {
            case .skipped: continue
            case .problem(_, let kind, let reason):
                if let s = stored[path], s.outcome == "error", s.contentHash == nil, s.errorKind == kind { plan.append(.skip); continue }
                plan.append(.write(ImageRecord(path: path, contentHash: nil, size: nil, outcome: .error(kind: kind, text: "\(path): \(reason)"), station: station)))
            case .file:
                guard let h = hashes[path] else { continue }
                switch h {
                case .failed(let reason):
                    plan.append(.write(ImageRecord(path: path, contentHash: nil, size: nil, outcome: .error(kind: "unreadable", text: "\(path): \(reason)"), station: station)))
                case .hash(let hash, let size):
                    if let s = stored[path], s.contentHash == hash, done(s) {
                        plan.append(.skip)
                    } else if size > Self.maxFileBytes {
                        plan.append(.write(ImageRecord(path: path, contentHash: hash, size: size, outcome: .error(kind: "too-large",
                            text: "\(path): the file is \(size >> 20) MB, more than a page image can be (\(Self.maxFileBytes >> 20) MB): is it a video or an archive?"),
                            station: station)))
                    } else if let c = crashedByHash[hash], c.path != path, !options.retryErrors {
                        plan.append(.write(ImageRecord(path: path, contentHash: hash, size: size, outcome: Self.sameError(as: c, path: path), station: station)))
                    } else if let first = scheduled[hash] {
                        plan.append(.duplicate(path: path, hash: hash, size: size, ofPath: first))
                    } else if let s = byHash[hash], s.path != path, !options.rescan || current(s) {
                        plan.append(.write(ImageRecord(path: path, contentHash: hash, size: size, outcome: .duplicate(of: s.id), station: station)))
                    } else {
                        scheduled[hash] = path
                        plan.append(.scan(path: path, hash: hash, size: size))
                    }
                }
            }
        }
        return plan
    }
}
