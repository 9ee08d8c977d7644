import DigitReader
import Foundation

/// Exports labelled box crops from verified pages (truth files now, human corrections later)
/// as training data for the learned reader: `OUT/<label>/<station>__<field>__<position>.pgm`,
/// where label is `0`–`9`, `X` or `dash`, and the image is the cleaned ink crop.
public struct BoxExporter {
    public var scanner: PageScanner

    public init(scanner: PageScanner) { self.scanner = scanner }

    public struct Summary: Sendable { public var pages = 0; public var boxes = 0; public var skipped = 0; public var errors: [String] = [] }

    /// The label a truth value gives the box at `position` (of `count`), or nil when the truth
    /// does not say (the units box of a zero may be `0` or `X`).
    public static func label(truth: Int, position: Int, count: Int) -> String? {
        let digits = String(truth).compactMap(\.wholeNumberValue)
        if truth == 0 { return position < count - 1 ? "X" : nil }
        let leading = count - digits.count
        if position < leading { return "X" }
        return String(digits[position - leading])
    }

    public func export(directory: String, to out: String) throws(FormScanError) -> Summary {
        var summary = Summary()
        for path in Evaluator.labelledImages(in: directory) {
            let truth = try TruthFile.load(TruthFile.path(forImage: path))
            let station = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let crops: [(field: String, position: Int, crop: BoxCrop)]
            do { crops = try scanner.crops(path: path, templateID: truth.template) } catch {
                summary.errors.append(error.description); continue
            }
            summary.pages += 1
            for (field, position, crop) in crops {
                guard let value = truth.fields[field],
                      var label = Self.label(truth: value, position: position, count: 3) else { summary.skipped += 1; continue }
                // A leading box with no ink is a blank, not an X: nothing to learn from.
                if crop.isBlank { summary.skipped += 1; continue }
                if label == "-" { label = "dash" }
                let dir = (out as NSString).appendingPathComponent(label)
                try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                let file = (dir as NSString).appendingPathComponent("\(station)__\(field)__\(position).pgm")
                try PGM.write(crop.ink, to: file)
                summary.boxes += 1
            }
        }
        return summary
    }
}

/// Binary PGM (P5), the simplest lossless gray format: written by the exporter, read by the
/// training scripts and by the loader (through Leptonica).
public enum PGM {
    public static func write(_ image: GrayImage, to path: String) throws(FormScanError) {
        var data = Data("P5\n\(image.width) \(image.height)\n255\n".utf8)
        data.append(contentsOf: image.pixels)
        do { try data.write(to: URL(fileURLWithPath: path)) } catch { throw .writeFailed(path, reason: error.localizedDescription) }
    }
}
