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
    /// does not say (the units box of a zero may be `0` or the filler). Leading boxes hold the
    /// form's filler (`X`, or `-` on the DPR plano sheets).
    public static func label(truth: Int, position: Int, count: Int, filler: String = "X") -> String? {
        let digits = String(truth).compactMap(\.wholeNumberValue)
        if truth == 0 { return position < count - 1 ? filler : nil }
        let leading = count - digits.count
        if position < leading { return filler }
        return String(digits[position - leading])
    }

    public func export(directory: String, to out: String) throws(FormScanError) -> Summary {
        var summary = Summary()
        for path in Evaluator.labelledImages(in: directory) {
            let truth = try TruthFile.load(TruthFile.path(forImage: path))
            let filler = try scanner.store.template(truth.template).template.fillerSymbol.description
            let station = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let crops: [(field: String, position: Int, crop: BoxCrop)]
            do { crops = try scanner.crops(path: path, templateID: truth.template) } catch {
                summary.errors.append(error.description); continue
            }
            summary.pages += 1
            for (field, position, crop) in crops {
                guard let value = truth.fields[field],
                      var label = Self.label(truth: value, position: position, count: 3, filler: filler) else { summary.skipped += 1; continue }
                // A leading box with no ink is a blank, not an X: nothing to learn from.
                if crop.isBlank { summary.skipped += 1; continue }
                if label == "-" { label = "dash" }
                let dir = (out as NSString).appendingPathComponent(label)
                try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                let file = (dir as NSString).appendingPathComponent("\(station)__\(field)__\(position).pgm")
                try PGM.write(crop.ink, to: file, box: PGM.Box(crop))
                summary.boxes += 1
            }
        }
        return summary
    }
}

/// Binary PGM (P5), the simplest lossless gray format: written by the exporter, read by the
/// training scripts and by the loader (through Leptonica).
public enum PGM {
    /// What a crop's file says of the box it was cut from, in a header comment
    /// (`# box 44x41`, then ` crosses` when its ink goes on into a neighbouring box, and
    /// ` slanted` when that stroke is an `X`'s diagonal).
    public struct Box: Sendable, Equatable {
        public var width: Int, height: Int, crosses: Bool, slanted: Bool
        public init(width: Int, height: Int, crosses: Bool, slanted: Bool = false) {
            (self.width, self.height, self.crosses, self.slanted) = (width, height, crosses, slanted)
        }
        public init(_ crop: BoxCrop) {
            self.init(width: crop.boxWidth, height: crop.boxHeight, crosses: crop.crossesIntoNeighbour, slanted: crop.crossingIsSlanted)
        }
        var comment: String { "# box \(width)x\(height)\(crosses ? " crosses" : "")\(slanted ? " slanted" : "")\n" }
    }

    public static func write(_ image: GrayImage, to path: String, box: Box? = nil) throws(FormScanError) {
        let comment = box?.comment ?? ""
        var data = Data("P5\n\(comment)\(image.width) \(image.height)\n255\n".utf8)
        data.append(contentsOf: image.pixels)
        do { try data.write(to: URL(fileURLWithPath: path)) } catch { throw .writeFailed(path, reason: error.localizedDescription) }
    }
}

extension PGM {
    /// The box a file written with `write(_:to:box:)` describes (nil for other images).
    public static func box(ofFileAt path: String) -> Box? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 64), head.starts(with: Data("P5\n# box ".utf8)),
              let text = String(data: Data(head.dropFirst(9).prefix { $0 != 0x0A }), encoding: .ascii) else { return nil }
        let words = text.split(separator: " ")
        let size = words.first?.split(separator: "x").compactMap { Int($0) } ?? []
        guard size.count == 2 else { return nil }
        return Box(width: size[0], height: size[1], crosses: words.dropFirst().contains("crosses"),
                   slanted: words.dropFirst().contains("slanted"))
    }
}
