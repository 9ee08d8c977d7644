import Batch
import DigitReader
import FormScan
import Foundation

/// One run of `scan-c1 review`: opens the batch database (or reads one station's page images
/// into one, as `batch` would), reads the recap given with `--expect`, builds the server and
/// serves until cancelled, the address with its token printed first on stdout. The command is
/// this one call; every failure is a `Failure` saying what happened and what to do.
public struct ReviewSession: Sendable {
    public struct Options: Sendable {
        /// One station's page images, read like `verify` does (empty: serve `database`).
        public var images: [String] = []
        /// The batch database; with images, where their readings and the answers are stored
        /// (nil: a temporary file).
        public var database: String?
        public var host = "127.0.0.1"
        public var port = 0
        public var language = ReviewText.Language.id
        /// Template id for the images, or `auto`.
        public var template = "auto"
        /// Two people answer each field independently; a disagreement goes to a third look.
        public var doubleEntry = false
        /// Recap values (`verify --expect`): files, or with images also `field=value`. With a
        /// database, a CSV of `scan-c1 export` whose rows name the stations.
        public var expect: [String] = []
        public var templates: String?
        public var modelDir: String?
        public var maxPixels = 64_000_000
        public var secondReading = SecondReading.whereNeeded
        /// The tool's version, stored with the readings of the images.
        public var toolVersion = "?"
        public init() {}
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// The database, a template, the reader or the port cannot be used (exit 3).
        case setup(String)
        /// An image could not be read as a form (exit 2).
        case badImage(String)
        /// The recap given with --expect cannot be used (exit 64: bad usage).
        case badRecap(String)

        public var description: String {
            switch self {
            case .setup(let s), .badImage(let s), .badRecap(let s): return s
            }
        }
    }

    public let options: Options
    public init(_ options: Options) { self.options = options }

    /// Reads, serves until cancelled. `ready` gets the address with the token once the port is
    /// bound (default: printed as the first line on stdout, unbuffered, and a note on stderr).
    public func run(ready: (@Sendable (String) -> Void)? = nil) async throws(Failure) {
        let (server, path) = try prepare()
        let mode = options.doubleEntry ? ", double entry" : ""
        let print: @Sendable (String) -> Void = ready ?? { url in
            // Unbuffered: scripts and tests read the address as soon as it is printed.
            FileHandle.standardOutput.write(Data((url + "\n").utf8))
            ReviewServer.log("serving \(path)\(mode) (Ctrl-C stops)")
        }
        do {
            try await server.run(host: options.host, port: options.port, ready: print)
        } catch {
            throw .setup("cannot serve on \(options.host):\(options.port): \(error)")
        }
    }

    /// The server over the database, the images read into it and the recap read; and the
    /// database's path.
    public func prepare() throws(Failure) -> (ReviewServer, String) {
        let store: TemplateStore
        do { store = try TemplateStore(directory: options.templates) } catch { throw .setup("\(error)") }
        let path: String
        if options.images.isEmpty {
            guard let db = options.database else { throw .badRecap("give --db PATH (a batch database) or the page images of one station") }
            path = db
            guard FileManager.default.fileExists(atPath: path) else {
                throw .setup("\(path): no such batch database (make one with `scan-c1 batch FOLDER`)")
            }
        } else {
            path = options.database ?? (NSTemporaryDirectory() as NSString)
                .appendingPathComponent("scan-c1-review-\(ProcessInfo.processInfo.processIdentifier).sqlite")
        }
        // The recap is read (and its names checked) before any page is: a wrong file costs nothing.
        let given = try recapArguments(store: store)
        let database: ScanDatabase
        do { database = try ScanDatabase(path: path) } catch { throw .setup(error.description) }
        var imageStations: [String] = []
        if !options.images.isEmpty { imageStations = try read(options.images, into: database, store: store) }
        let recaps = try self.recaps(given, database: database, imageStations: imageStations)
        do {
            let server = try ReviewServer(database: database, store: store, baseFolder: (path as NSString).deletingLastPathComponent,
                                          language: options.language, doubleEntry: options.doubleEntry, recaps: recaps)
            return (server, path)
        } catch {
            throw .setup("\(path): the batch database cannot be read (\(error))")
        }
    }

    /// What --expect gave: with images one expectation (files and `field=value` merged, as
    /// `verify --expect` reads them); with a database the rows of export CSVs by station.
    enum GivenRecap {
        case none
        case station(Expectation)
        case rows([String: Expectation])
    }

    func recapArguments(store: TemplateStore) throws(Failure) -> GivenRecap {
        guard !options.expect.isEmpty else { return .none }
        do {
            if options.images.isEmpty {
                var rows: [String: Expectation] = [:]
                for e in options.expect {
                    if e.contains("=") && !FileManager.default.fileExists(atPath: e) {
                        throw Failure.badRecap("--expect '\(Expectation.quote(e))': with --db give a CSV of `scan-c1 export` whose rows name the stations (field=value is for one station's images)")
                    }
                    rows.merge(try Expectation.stations(e)) { _, new in new }
                }
                return .rows(rows)
            }
            var expectation = Expectation()
            let station = (StationChecker.stationKey(for: options.images[0]) as NSString).lastPathComponent
            for e in options.expect {
                if e.contains("=") && !FileManager.default.fileExists(atPath: e) {
                    let (f, v) = try Expectation.pair(e)
                    expectation.merge(Expectation(values: [f: v]))
                } else {
                    expectation.merge(try Expectation.file(e, station: station))
                }
            }
            let unknown = expectation.unknownNames(in: store)
            if !unknown.isEmpty {
                let known = store.templates.flatMap { $0.template.fields.map(\.id) }
                throw Failure.badRecap(Expectation.ParseError.unknownFields(unknown, known: Array(NSOrderedSet(array: known)) as! [String]).description)
            }
            return .station(expectation)
        } catch {
            throw Self.recapFailure(error)
        }
    }

    /// What went wrong reading or checking a recap, as the session's failure.
    static func recapFailure(_ error: any Error) -> Failure {
        switch error {
        case let e as Expectation.ParseError: return .badRecap(e.description)
        case let f as Failure: return f
        default: return .badRecap("\(error)")
        }
    }

    /// Station key → the recap's values checked against its pages (as `verify` checks them).
    func recaps(_ given: GivenRecap, database: ScanDatabase, imageStations: [String]) throws(Failure) -> [String: Expectation] {
        if case .none = given { return [:] }
        let pages: [(imageID: Int64, path: String, station: String, result: PageResult)]
        do { pages = try database.pages() } catch { throw .setup(error.description) }
        let byStation = Dictionary(grouping: pages, by: \.station)
        var out: [String: Expectation] = [:]
        do {
            switch given {
            case .none: break
            case .station(let e):
                for key in Set(imageStations) {
                    out[key] = try e.checked(against: (byStation[key] ?? []).map(\.result))
                }
            case .rows(let rows):
                for (key, members) in byStation {
                    guard let row = Expectation.row(for: key, in: rows) else { continue }
                    let checked = try row.checked(against: members.map(\.result))
                    if !checked.values.isEmpty { out[key] = checked }
                }
                if out.isEmpty {
                    let names = rows.keys.sorted()
                    throw Failure.badRecap("--expect: no row names a station of this database (rows: \(names.prefix(8).joined(separator: ", "))\(names.count > 8 ? ", …" : "")): give the recap of these stations")
                }
            }
        } catch {
            throw Self.recapFailure(error)
        }
        return out
    }

    /// Reads one station's pages into the database, as `batch` would; returns their station keys.
    func read(_ images: [String], into database: ScanDatabase, store: TemplateStore) throws(Failure) -> [String] {
        let scanner: PageScanner
        do {
            let reader = try BoxReader(models: ModelLocator(directory: options.modelDir))
            scanner = PageScanner(store: store, reader: reader, loader: ImageLoader(maxPixels: options.maxPixels), secondReading: options.secondReading)
        } catch { throw .setup("\(error)") }
        let versions = Fingerprint.versions(tool: options.toolVersion, models: ModelLocator(directory: options.modelDir), store: store)
        var keys: [String] = []
        do {
            let run = try database.startRun(folder: "review", versions: versions, options: "{}")
            for image in images {
                let real = FolderWalker.realPath(image)
                let page: PageResult
                do { page = try scanner.scan(path: real, templateID: options.template) } catch { throw Failure.badImage("\(error)") }
                let key = StationChecker.stationKey(for: real)
                let record = ImageRecord(path: real, contentHash: try? ContentHash.file(real), size: nil, outcome: .page(page), station: key)
                try database.record(record, versions: versions, runID: run)
                keys.append(key)
            }
            try database.finishRun(run, outcome: "finished")
            try database.rebuildStations(store: store)
        } catch let f as Failure {
            throw f
        } catch {
            throw .setup("\(error)")
        }
        return keys
    }
}
