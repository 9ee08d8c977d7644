import DigitReader
import Foundation

/// `scan-c1 templates draft`: a first template from a straight scan (or the printed PDF's page)
/// of a blank form: its ruled lines, corner marks, AprilTag and digit boxes grouped into
/// numbers, with placeholder ids in reading order. The person renames the ids, adds the rules,
/// and checks it with `templates check` / `templates show`.
public struct TemplateDrafter {
    /// What the drafter found beyond the template: for the person to look at.
    public struct Report: Sendable, Codable {
        public var numbers: Int
        public var horizontalLines: Int
        public var verticalLines: Int
        public var perspectiveLines: Int
        public var marks: Int
        public var aprilTag: Int?
        /// Numbers with a column of ten bubbles under each box.
        public var numbersWithBubbles: Int
        /// Rows of digit-sized cells not in threes (a date, a code): left out, listed here.
        public var looseCells: [String]
        public var milliseconds: Double
    }

    public init() {}

    /// Lines listed for registration: horizontal ones at least this share of the page's width
    /// (a number's three boxes are 12% of it), vertical ones this share of its height (a box
    /// side is 2.5–5% of it): shorter pieces are lettering or dashes that a photo loses.
    static let minHorizontal = 0.08
    static let minVertical = 0.024
    /// Perspective lines (far from every box) must be longer still: a signature block's rules,
    /// a section's column.
    static let minPerspective = 0.15
    /// Lines farther than this share of the page's width from every box are perspective lines.
    static let perspectiveDistance = 0.12
    /// A listed line has ink along this share of its length at least (lettering in a row has
    /// gaps between its letters).
    static let minSolidity = 0.9

    public func draft(image: GrayImage, id: String, title: String, referenceImage: String) -> (Template, Report) {
        let start = ContinuousClock.now
        let finder = RuledLineFinder(image)
        let w = Double(image.width), h = Double(image.height)
        let horizontal = finder.segments(horizontal: true, minLength: max(12, Int(0.02 * w)))
        let vertical = finder.segments(horizontal: false, minLength: max(12, Int(0.012 * h)), gap: 8)
        let boxes = DigitBoxFinder(horizontal: horizontal, vertical: vertical, pageWidth: w)
        let (numbers, loose) = boxes.numbers()
        let rects = numbers.flatMap { $0.map(\.rect) }
        func distance(_ s: RuledLineFinder.Segment, horizontal: Bool) -> Double {
            rects.map { r -> Double in
                let (px0, px1, py0, py1) = horizontal ? (s.from, s.to, s.position, s.position) : (s.position, s.position, s.from, s.to)
                let dx = max(0, max(r.x - px1, px0 - (r.x + r.width))), dy = max(0, max(r.y - py1, py0 - (r.y + r.height)))
                return (dx * dx + dy * dy).squareRoot()
            }.min() ?? 0
        }
        var lines = Template.RuledLines(horizontal: [], vertical: [])
        var perspective = Template.RuledLines(horizontal: [], vertical: [])
        for s in horizontal where s.length >= Self.minHorizontal * w && finder.solidity(s, horizontal: true) >= Self.minSolidity {
            let l = [Self.round(s.position), Self.round(s.from), Self.round(s.to)]
            if distance(s, horizontal: true) <= Self.perspectiveDistance * w { lines.horizontal.append(l) }
            else if s.length >= Self.minPerspective * w { perspective.horizontal.append(l) }
        }
        for s in vertical where s.length >= Self.minVertical * h && finder.solidity(s, horizontal: false) >= Self.minSolidity {
            let l = [Self.round(s.position), Self.round(s.from), Self.round(s.to)]
            if distance(s, horizontal: false) <= Self.perspectiveDistance * w { lines.vertical.append(l) }
            else if s.length >= Self.minPerspective * h { perspective.vertical.append(l) }
        }
        let marks = Self.cornerMarks(finder)
        let tag = AprilTagDetector().detect(image).max { $0.decisionMargin < $1.decisionMargin }
        // Bubbles under every box of a number, or none for it.
        let bubbleFinder = BubbleFinder(finder: finder)
        var radii: [Double] = []
        let fields = numbers.enumerated().map { i, cells in
            let boxes = cells.map { [Self.round($0.x), Self.round($0.y), Self.round($0.width), Self.round($0.height)] }
            let columns = boxes.map { bubbleFinder.column(under: $0) }
            let bubbles = columns.allSatisfy({ $0 != nil }) ? columns.map { $0!.centres } : nil
            if bubbles != nil { radii += columns.map { $0!.radius } }
            return Template.Field(id: String(format: "field_%02d", i + 1), label: "field_\(String(format: "%02d", i + 1)): rename, and give the form's row code and wording",
                                  boxes: boxes, bubbles: bubbles)
        }
        let template = Template(id: id, title: title, pageCode: nil, aprilTag: tag?.id, referenceImage: referenceImage,
                                referenceSource: "drafted by scan-c1 templates draft", width: w, height: h,
                                marks: marks.map(\.box), markFill: marks.isEmpty ? nil : Self.round(marks.map(\.fill).reduce(0, +) / Double(marks.count), 0.05),
                                bubbleRadius: radii.isEmpty ? nil : Self.round(radii.sorted()[radii.count / 2]), lines: lines,
                                perspectiveLines: perspective.horizontal.isEmpty && perspective.vertical.isEmpty ? nil : perspective,
                                filler: nil, fields: fields, rules: [], stationRules: nil)
        let d = ContinuousClock.now - start
        let report = Report(numbers: fields.count, horizontalLines: lines.horizontal.count, verticalLines: lines.vertical.count,
                            perspectiveLines: perspective.horizontal.count + perspective.vertical.count, marks: marks.count,
                            aprilTag: tag?.id, numbersWithBubbles: fields.filter { $0.bubbles != nil }.count,
                            looseCells: loose.map { r in "\(r.count) cells at [\(Int(r[0].x)), \(Int(r[0].y))], \(Int(r[0].width))×\(Int(r[0].height)) px" },
                            milliseconds: (Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15).rounded())
        return (template, report)
    }

    static func round(_ v: Double, _ step: Double = 0.5) -> Double { (v / step).rounded() * step }

    /// A solid (or stepped) dark square near each corner of the page: the largest blob of ink in
    /// the corner's window that is about square, 0.8–4% of the page's width, at least 40% ink.
    static func cornerMarks(_ f: RuledLineFinder) -> [(box: [Double], fill: Double)] {
        let w = f.width, h = f.height
        let ww = Int(0.15 * Double(w)), wh = Int(0.08 * Double(h))
        let windows = [(0, 0), (w - ww, 0), (0, h - wh), (w - ww, h - wh)]
        var out: [(box: [Double], fill: Double)] = []
        for (x0, y0) in windows {
            var seen = [Bool](repeating: false, count: ww * wh)
            var best: (box: [Double], fill: Double, size: Int)?
            for y in 0..<wh {
                for x in 0..<ww where !seen[y * ww + x] && f.ink[(y0 + y) * w + x0 + x] {
                    // Flood fill one blob.
                    var stack = [(x, y)], count = 0
                    var (minX, minY, maxX, maxY) = (x, y, x, y)
                    seen[y * ww + x] = true
                    while let (cx, cy) = stack.popLast() {
                        count += 1
                        minX = min(minX, cx); maxX = max(maxX, cx); minY = min(minY, cy); maxY = max(maxY, cy)
                        for (nx, ny) in [(cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1)]
                        where nx >= 0 && ny >= 0 && nx < ww && ny < wh && !seen[ny * ww + nx] && f.ink[(y0 + ny) * w + x0 + nx] {
                            seen[ny * ww + nx] = true
                            stack.append((nx, ny))
                        }
                    }
                    let bw = maxX - minX + 1, bh = maxY - minY + 1
                    let share = Double(max(bw, bh)) / Double(w)
                    let fill = Double(count) / Double(bw * bh)
                    guard share >= 0.008, share <= 0.04, Double(bw) / Double(bh) > 0.6, Double(bw) / Double(bh) < 1.6, fill >= 0.4 else { continue }
                    if best == nil || count > best!.size {
                        best = ([Double(x0 + minX), Double(y0 + minY), Double(bw), Double(bh)], fill, count)
                    }
                }
            }
            if let best { out.append((best.box, best.fill)) }
        }
        return out
    }
}

/// A drafted template written to disk with its reference image beside it.
public struct TemplateDraft: Sendable {
    public var template: Template
    public var report: TemplateDrafter.Report

    public enum Failure: Error, CustomStringConvertible {
        case image(FormScanError)
        case noDigitBoxes(String)
        case writeFailed(String, reason: String)

        public var description: String {
            switch self {
            case .image(let e): return e.description
            case .noDigitBoxes(let p): return "\(p): no digit boxes found (cells closed on four sides, about a digit's size, in threes): is it a straight scan of the form at 150–300 dpi?"
            case .writeFailed(let p, let why): return "\(p): cannot be written (\(why))"
            }
        }
    }

    /// Drafts from the image at `reference` and writes `output` (a JSON whose file name is the
    /// id) and the reference as a PNG beside it. Nothing is written when no box was found.
    public static func write(reference: String, to output: String, title: String?) throws(Failure) -> TemplateDraft {
        let image: GrayImage
        do { image = try ImageLoader(workingLongSide: 100_000).load(reference).image } catch { throw .image(error) }
        let id = ((output as NSString).lastPathComponent as NSString).deletingPathExtension
        let png = id + ".png"
        let (template, report) = TemplateDrafter().draft(image: image, id: id, title: title ?? id, referenceImage: png)
        guard report.numbers > 0 else { throw .noDigitBoxes(reference) }
        let dir = (output as NSString).deletingLastPathComponent
        let pngPath = dir.isEmpty ? png : (dir as NSString).appendingPathComponent(png)
        if realPath(reference) != realPath(pngPath) {
            if FileManager.default.fileExists(atPath: pngPath) { throw .writeFailed(pngPath, reason: "a file of that name exists: it is never replaced") }
            do { try ImageWriter.write(image, to: pngPath) } catch { throw .writeFailed(pngPath, reason: error.description) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(template), FileManager.default.createFile(atPath: output, contents: data) else {
            throw .writeFailed(output, reason: "cannot create the file")
        }
        return TemplateDraft(template: template, report: report)
    }
}
