import DigitReader
import Foundation

/// The fingerprints of the templates' reference images, once per process. Each is kept beside
/// its template as `ID.fingerprint` (JSON: the reference's size and FNV-1a hash, the grid):
/// decoding a reference costs 10-30 ms, reading the file and hashing the reference's bytes
/// about one. A missing file, or one written from other bytes than the reference now beside it,
/// is not used: the print is made from the image (`scan-c1 identify --write-fingerprints`
/// writes the files; a test checks the shipped ones).
final class ReferencePrints: @unchecked Sendable {
    static let shared = ReferencePrints()
    private let lock = NSLock()
    private var prints: [String: LayoutFingerprint?] = [:]

    /// What `ID.fingerprint` holds.
    struct Stored: Codable, Equatable {
        var reference: String
        var bytes: Int
        var fnv1a: String
        var width: Int, height: Int
        var values: [Float]
    }

    static func storedPath(_ t: LoadedTemplate) -> String {
        (t.directory as NSString).appendingPathComponent(t.id + ".fingerprint")
    }

    func print(_ t: LoadedTemplate) -> LayoutFingerprint? {
        let key = t.referenceImagePath
        lock.lock(); defer { lock.unlock() }
        if let known = prints[key] { return known }
        var made: LayoutFingerprint?
        if let data = FileManager.default.contents(atPath: key) {
            if let stored = try? JSONDecoder().decode(Stored.self, from: Data(contentsOf: URL(fileURLWithPath: Self.storedPath(t)))),
               stored == Self.stored(values: stored.values, reference: t.template.referenceImage, data: data) {
                made = LayoutFingerprint(values: stored.values)
            } else {
                made = Self.made(data, name: key)
            }
        }
        prints[key] = made
        return made
    }

    /// The print made from the reference image's bytes.
    static func made(_ data: Data, name: String) -> LayoutFingerprint? {
        // A JPEG reference is decoded shrunk (in the DCT) to about the size used.
        guard let image = try? ImageLoader(workingLongSide: 2 * PageOutline.side).decode(data, name: name).image else { return nil }
        let k = min(1, Double(PageOutline.side) / Double(max(image.width, image.height)))
        let small = image.resized(width: max(8, Int(Double(image.width) * k)), height: max(8, Int(Double(image.height) * k)))
        let (w, h) = (Double(small.width), Double(small.height))
        return LayoutFingerprint(small, corners: [(0, 0), (w, 0), (w, h), (0, h)])
    }

    /// The file's content for `values` made from the reference `data`.
    static func stored(values: [Float], reference: String, data: Data) -> Stored {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { for b in $0 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 } }
        return Stored(reference: reference, bytes: data.count, fnv1a: String(hash, radix: 16),
                      width: LayoutFingerprint.width, height: LayoutFingerprint.height, values: values)
    }

    /// Writes `ID.fingerprint` beside every template of `store` that has no tag (the ones the
    /// fingerprint scores); returns the files written.
    static func write(_ store: TemplateStore) throws(FormScanError) -> [String] {
        var written: [String] = []
        for t in store.templates where t.template.aprilTag == nil {
            guard let data = FileManager.default.contents(atPath: t.referenceImagePath),
                  let print = made(data, name: t.referenceImagePath) else { throw .fileNotFound(t.referenceImagePath) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let path = storedPath(t)
            do {
                try encoder.encode(stored(values: print.values, reference: t.template.referenceImage, data: data))
                    .write(to: URL(fileURLWithPath: path))
            } catch { throw .writeFailed(path, reason: error.localizedDescription) }
            written.append(path)
        }
        return written
    }
}

extension PageIdentifier {
    /// Writes the reference fingerprints beside the templates of `store` (`ReferencePrints`).
    public static func writeFingerprints(_ store: TemplateStore) throws(FormScanError) -> [String] {
        try ReferencePrints.write(store)
    }
}
