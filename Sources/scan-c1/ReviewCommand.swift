import ArgumentParser
import Batch
import DigitReader
import FormScan
import Foundation
import ReviewServer

struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "The review page: a local web page where a person answers every flagged number, keyboard first.",
        discussion: """
        Serves a batch database (--db) or one station's page images on 127.0.0.1 and prints the address with its access token as the first line on stdout; open it in a browser on this computer. Indonesian by default (--lang en, or the switch on the page). Every answer is stored in the database's corrections with the time, the person's name and the machine's reading.

        Examples:
          scan-c1 review --db photos.scan-c1.sqlite
          scan-c1 review tps07-lembar1.jpg tps07-lembar2.jpg --db tps07.sqlite --port 8080

        Exit codes: 0 stopped; 2 an image could not be read as a form; 3 the database, a template or the reader could not be loaded, or the port cannot be used; 64 bad usage.
        """
    )

    @Argument(help: "One station's page images (read like `verify` does) instead of a batch database.")
    var images: [String] = []

    @Option(help: "Batch database (docs/batch-database.md). With images: where their readings and the answers are stored (default: a temporary file).")
    var db: String?

    @Option(help: "Address to listen on (default loopback only; another address opens the page to the network).")
    var host: String = "127.0.0.1"

    @Option(help: "Port (0: a free one).")
    var port: Int = 0

    @Option(help: "Language of the page: id (Indonesian) or en.")
    var lang: String = "id"

    @Option(name: .shortAndLong, help: "Template id for the images, or 'auto'.")
    var template: String = "auto"

    @OptionGroup var reader: ReaderOptions

    func validate() throws {
        if images.isEmpty && db == nil { throw ValidationError("give --db PATH (a batch database) or the page images of one station") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
        if ReviewText.Language(rawValue: lang) == nil { throw ValidationError("--lang must be id or en") }
    }

    func run() async throws {
        let store: TemplateStore
        do { store = try TemplateStore(directory: reader.templates) } catch {
            Diagnostics.error(error.description)
            throw ExitCode(Exit.setupFailed)
        }
        let path: String
        if images.isEmpty {
            path = db!
            guard FileManager.default.fileExists(atPath: path) else {
                Diagnostics.error("\(path): no such batch database (make one with `scan-c1 batch FOLDER`)")
                throw ExitCode(Exit.setupFailed)
            }
        } else {
            path = db ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("scan-c1-review-\(ProcessInfo.processInfo.processIdentifier).sqlite")
        }
        let database: ScanDatabase
        do { database = try ScanDatabase(path: path) } catch {
            Diagnostics.error(error.description)
            throw ExitCode(Exit.setupFailed)
        }
        if !images.isEmpty { try read(images, into: database, store: store) }
        let server: ReviewServer
        do {
            server = try ReviewServer(database: database, store: store, baseFolder: (path as NSString).deletingLastPathComponent,
                                      language: ReviewText.Language(rawValue: lang)!)
        } catch {
            Diagnostics.error("\(path): the batch database cannot be read (\(error))")
            throw ExitCode(Exit.setupFailed)
        }
        do {
            try await server.run(host: host, port: port) { url in
                // Unbuffered: scripts and tests read the address as soon as it is printed.
                FileHandle.standardOutput.write(Data((url + "\n").utf8))
                Diagnostics.note("serving \(path) (Ctrl-C stops)")
            }
        } catch {
            Diagnostics.error("cannot serve on \(host):\(port): \(error)")
            throw ExitCode(Exit.setupFailed)
        }
    }

    /// Reads one station's pages into the database, as `batch` would.
    func read(_ images: [String], into database: ScanDatabase, store: TemplateStore) throws {
        let scanner = try reader.makeScanner()
        let versions = Fingerprint.versions(tool: ScanC1.configuration.version, models: ModelLocator(directory: reader.modelDir), store: store)
        do {
            let run = try database.startRun(folder: "review", versions: versions, options: "{}")
            for image in images {
                let real = FolderWalker.realPath(image)
                let page: PageResult
                do { page = try scanner.scan(path: real, templateID: template) } catch {
                    Diagnostics.error(error.description)
                    throw ExitCode(Exit.badInput)
                }
                let record = ImageRecord(path: real, contentHash: try? ContentHash.file(real), size: nil, outcome: .page(page),
                                         station: StationChecker.stationKey(for: real))
                try database.record(record, versions: versions, runID: run)
            }
            try database.finishRun(run, outcome: "finished")
            try database.rebuildStations(store: store)
        } catch let error as BatchError {
            Diagnostics.error(error.description)
            throw ExitCode(Exit.setupFailed)
        }
    }
}
