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
