import DigitReader
import Foundation
@testable import FormScan

/// Paths to the real sample scans shipped in `SampleScans/`.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = root.appendingPathComponent("SampleScans")
    static let kpu2019 = samples.appendingPathComponent("kpu-2019")

    /// Every labelled 2019 page (20: 10 stations x 2 sheets).
    static let kpuPages: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: kpu2019.path)) ?? []
        return names.filter { !$0.hasSuffix(".json") }.sorted()
    }()

    static func kpu(_ name: String) -> String { kpu2019.appendingPathComponent(name).path }
    static func truth(_ name: String) throws -> TruthFile { try TruthFile.load(TruthFile.path(forImage: kpu(name))) }

    static let store: TemplateStore = try! TemplateStore()

    static func scanner() throws -> PageScanner {
        PageScanner(store: store, reader: try BoxReader())
    }

    /// A scratch folder for files a test writes.
    static func scratch(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scan-c1-tests-\(getpid())-\(name)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
