import Foundation

/// `NAME.truth.json` beside an image: the values a person read off the page.
/// `{"template": ID, "fields": {ID: int}}`; only the listed fields are scored.
public struct TruthFile: Sendable, Codable {
    public var template: String
    public var fields: [String: Int]
    /// `"review"` for a page whose written numbers break a rule on purpose (generated pages):
    /// the page must not come out verified.
    public var expect: String?
    /// Which field carries the deliberate error, for the report.
    public var deliberateError: String?

    /// The truth file for an image: same name with its extension replaced by `.truth.json`.
    public static func path(forImage image: String) -> String {
        ((image as NSString).deletingPathExtension) + ".truth.json"
    }

    public static func load(_ path: String) throws(FormScanError) -> TruthFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw .fileUnreadable(path, reason: "cannot read") }
        do { return try JSONDecoder().decode(TruthFile.self, from: data) } catch {
            throw .templateInvalid(file: path, reason: "not a truth file: \(error)")
        }
    }
}
