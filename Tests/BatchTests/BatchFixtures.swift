import Batch
import DigitReader
import FormScan
import Foundation

enum BatchFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let kpu2019 = root.appendingPathComponent("SampleScans/kpu-2019")
    static let kawalc1 = root.appendingPathComponent("SampleScans/kawalc1")
    static let store: TemplateStore = try! TemplateStore()

    /// A fresh, empty scratch folder.
    static func scratch(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scan-c1-batch-\(getpid())-\(name)")
        try? FileManager.default.removeItem(at: url)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func copySample(_ name: String, to dir: URL, as newName: String? = nil) throws {
        try FileManager.default.copyItem(at: kpu2019.appendingPathComponent(name), to: dir.appendingPathComponent(newName ?? name))
    }

    static func runner(_ folder: URL, db: ScanDatabase, jobs: Int) -> BatchRunner {
        let store = self.store
        let versions = Fingerprint.versions(tool: "test", models: ModelLocator(), store: store)
        return BatchRunner(database: db, store: store, versions: versions, options: BatchOptions(folder: folder.path, jobs: jobs)) {
            PageScanner(store: store, reader: try BoxReader())
        }
    }

    /// The built command-line tool (the test target depends on it, so it is built first).
    static var tool: URL {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("scan-c1"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("scan-c1"),
            root.appendingPathComponent(".build/debug/scan-c1"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }
}

/// What a run of the command-line tool printed and how it exited.
struct ToolRun {
    var code: Int32
    var out: String
    var err: String
    /// Whether the process died by a signal (a crash) rather than exiting.
    var signalled: Bool
}

extension BatchFixtures {
    /// Runs the built tool with `arguments` in `directory`, output captured through files.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> ToolRun {
        let p = Process()
        p.executableURL = tool
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("scan-c1-run-\(getpid())-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        p.waitUntilExit()
        return ToolRun(code: p.terminationStatus, out: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                       err: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "",
                       signalled: p.terminationReason == .uncaughtSignal)
    }

    /// A JPEG cut short: read (and refused as `truncated`) in a few milliseconds.
    static func truncatedJPEG(bytes: Int = 4000) throws -> Data {
        try Data(contentsOf: kpu2019.appendingPathComponent("kubu-02-lembar2.jpg")).prefix(bytes)
    }
}
