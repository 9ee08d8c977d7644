import DigitReader
import FormScan
import Foundation

/// Short fingerprints of the models and templates in use, stored with every reading so a
/// later run can tell which pages were read by other versions.
public enum Fingerprint {
    public static func versions(tool: String, models: ModelLocator, store: TemplateStore) -> Versions {
        var modelFiles: [String] = []
        if let located = try? models.locate() {
            modelFiles.append((located.directory as NSString).appendingPathComponent("\(located.language).traineddata"))
        }
        modelFiles += (try? models.classifierPaths()) ?? []
        let templates = String(ContentHash.bytes(Data(JSON.string(store.templates.map(\.template)).utf8)).prefix(16))
        return Versions(tool: tool, reader: digest(modelFiles), templates: templates)
    }

    /// The first 16 hex digits of the SHA-256 of the files' hashes, in order.
    static func digest(_ files: [String]) -> String {
        let joined = files.map { (try? ContentHash.file($0)) ?? "missing:\($0)" }.joined(separator: "\n")
        return String(ContentHash.bytes(Data(joined.utf8)).prefix(16))
    }
}
