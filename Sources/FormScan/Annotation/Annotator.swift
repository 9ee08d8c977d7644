import DigitReader
import Foundation

/// Pictures for a person: the registered page with every box outlined in its field's status
/// colour and the value read beside it, failed rules in the margin; and a sheet of just the
/// fields that need a look, each with its box crops and candidates.
public struct Annotator: Sendable {
    public typealias Color = (UInt8, UInt8, UInt8)

    public static func color(_ status: FieldStatus) -> Color {
        switch status {
        case .verified: return (0, 160, 60)
        case .corrected: return (0, 90, 230)
        case .review: return (230, 20, 20)
        case .missing: return (170, 0, 170)
        }
    }

    public var marginWidth = 620
    /// The words in the pictures (the caller's language).
    public var words = Words()
    public init(words: Words = Words()) { self.words = words }

    public struct Words: Sendable {
        public var status: @Sendable (FieldStatus) -> String = { $0.rawValue }
        public var pageStatus = "status"
        public var allRulesHold = "no rule fails"
        public var failedRules = "failed rules:"
        public var toCheck = "to check:"
        public var soft = "soft"
        public var box = "box"
        public init() {}
    }

    /// The page as registered, in the template's frame (its boxes at the template's coordinates).
    public static func upright(_ page: GrayImage, transform: Homography, template: Template) -> GrayImage {
        page.warped(width: Int(template.width.rounded()), height: Int(template.height.rounded()), through: transform)
    }

    /// The annotated page. `upright` is `Annotator.upright(...)` of the same page.
    public func page(_ result: PageResult, upright: GrayImage, template: LoadedTemplate, heading: [String] = []) -> RGBImage {
        var canvas = RGBImage(width: upright.width + marginWidth, height: upright.height)
        canvas.paste(upright, x: 0, y: 0)
        let small = Self.font(8), big = Self.font(10)
        for f in template.template.fields {
            guard let r = result.fields[f.id] else { continue }
            for b in f.boxes.map(Rect.init) {
                canvas.strokeRect(x: Int(b.x.rounded()) - 1, y: Int(b.y.rounded()) - 1, width: Int(b.width.rounded()) + 2,
                                  height: Int(b.height.rounded()) + 2, color: Self.color(r.status), thickness: 3)
            }
        }
        // The values read, left of each row of boxes (where the form prints the row's label),
        // in row order, each in its field's colour: beside the boxes they would hide other boxes.
        if let big {
            let placed = template.template.fields.compactMap { f -> (Rect, FieldResult)? in
                guard let first = f.boxes.first.map(Rect.init), let r = result.fields[f.id] else { return nil }
                return (first, r)
            }
            var rows: [[(Rect, FieldResult)]] = []
            for item in placed.sorted(by: { $0.0.midY < $1.0.midY }) {
                if let last = rows.last?.first, abs(last.0.midY - item.0.midY) < item.0.height / 2 { rows[rows.count - 1].append(item) } else { rows.append([item]) }
            }
            for row in rows {
                let ordered = row.sorted { $0.0.x < $1.0.x }
                var x = Int(ordered[0].0.x.rounded()) - 10
                for (rect, r) in ordered.reversed() {
                    let mask = big.render(r.value.map(String.init) ?? "?")
                    x -= mask.width + 18
                    let y = Int(rect.midY.rounded()) - mask.height / 2
                    canvas.fill(x: x - 3, y: y, width: mask.width + 6, height: mask.height, color: (255, 255, 255))
                    canvas.draw(mask, x: x, y: y, color: Self.color(r.status))
                }
            }
        }
        // The margin: heading, the page's status, every failed rule with its numbers, a legend.
        var y = 12
        let x0 = upright.width + 16
        func line(_ text: String, _ color: Color = (0, 0, 0), font: BitmapFont? = small) {
            guard let font else { return }
            for piece in Self.wrap(text, width: 52) {
                canvas.draw(font.render(piece), x: x0, y: y, color: color)
                y += font.lineHeight + 4
            }
        }
        for h in heading { line(h, font: big) }
        line(result.template, font: small)
        line("\(words.pageStatus): \(words.status(result.status).uppercased())", Self.color(result.status), font: big)
        y += 10
        let failed = result.rules.filter { $0.outcome == .fail }
        line(failed.isEmpty ? words.allRulesHold : words.failedRules, font: big)
        for rule in failed {
            line("\(rule.soft ? "(\(words.soft)) " : "")\(rule.label): \(rule.numbers)", rule.soft ? (150, 110, 0) : Self.color(.review))
        }
        y += 10
        let needing = result.orderedFields.filter { $0.status > .corrected }
        if !needing.isEmpty {
            line(words.toCheck, font: big)
            for f in needing { line("\(f.id) = \(f.value.map(String.init) ?? "?") (\(words.status(f.status)))", Self.color(f.status)) }
        }
        y += 10
        for s in FieldStatus.allCases { line("[] \(words.status(s))", Self.color(s)) }
        return canvas
    }

    /// A sheet of the fields that need a look: for each, its label, the three box crops
    /// enlarged, each box's candidates, and why.
    public func reviewSheet(_ items: [(result: PageResult, upright: GrayImage, template: LoadedTemplate)]) -> RGBImage? {
        struct Row { var crop: GrayImage; var lines: [(String, Color)] }
        var rows: [Row] = []
        for item in items {
            for f in item.template.template.fields {
                guard let r = item.result.fields[f.id], r.status > .corrected, !f.boxes.isEmpty else { continue }
                let rects = f.boxes.map(Rect.init)
                let x0 = max(0, Int(rects.map(\.x).min()!) - 8), y0 = max(0, Int(rects.map(\.y).min()!) - 8)
                let x1 = min(item.upright.width, Int(rects.map { $0.x + $0.width }.max()!) + 8)
                let y1 = min(item.upright.height, Int(rects.map { $0.y + $0.height }.max()!) + 8)
                var crop = GrayImage(width: max(1, (x1 - x0) * 2), height: max(1, (y1 - y0) * 2))
                for y in 0..<crop.height { for x in 0..<crop.width { crop[x, y] = item.upright[x0 + x / 2, y0 + y / 2] } }
                var lines: [(String, Color)] = [("\(item.result.template).\(f.id): \(r.value.map(String.init) ?? "?") [\(words.status(r.status))]", Self.color(r.status)),
                                                (String(r.label.prefix(70)), (60, 60, 60))]
                for b in r.boxes {
                    let cands = b.candidates.prefix(3).map { "\($0.symbol == .blank ? "blank" : $0.symbol.description) \(Int(($0.probability * 100).rounded()))%" }
                    let votes = b.readers.map { "\($0.source): \($0.symbol.map { $0 == .blank ? "blank" : $0.description } ?? "?")" }
                    lines.append(("\(words.box) \(b.position + 1): \(cands.isEmpty ? "unread" : cands.joined(separator: ", "))  (\(votes.joined(separator: ", ")))", (0, 0, 0)))
                }
                for reason in r.reasons.prefix(2) { lines.append((String(reason.prefix(110)), (90, 90, 90))) }
                rows.append(Row(crop: crop, lines: lines))
            }
        }
        guard !rows.isEmpty, let font = Self.font(8) else { return nil }
        let lh = font.lineHeight + 4
        let cropW = rows.map(\.crop.width).max()!
        let width = cropW + 24 + 900
        let heights = rows.map { max($0.crop.height, $0.lines.count * lh) + 16 }
        var sheet = RGBImage(width: width, height: heights.reduce(0, +) + 8)
        var y = 8
        for (row, h) in zip(rows, heights) {
            sheet.paste(row.crop, x: 8, y: y)
            var ty = y
            for (text, color) in row.lines {
                sheet.draw(font.render(text), x: cropW + 24, y: ty, color: color)
                ty += lh
            }
            y += h
            sheet.fill(x: 0, y: y - 8, width: width, height: 1, color: (200, 200, 200))
        }
        return sheet
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var out: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width { out.append(line); line = "" }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { out.append(line) }
        return out
    }

    private static let fonts = FontCache()
    static func font(_ size: Int) -> BitmapFont? { fonts.font(size) }
}

final class FontCache: @unchecked Sendable {
    private let lock = NSLock()
    private var fonts: [Int: BitmapFont] = [:]
    func font(_ size: Int) -> BitmapFont? {
        lock.lock(); defer { lock.unlock() }
        if let f = fonts[size] { return f }
        let f = BitmapFont(size: size)
        fonts[size] = f
        return f
    }
}

extension RGBImage {
    /// Paints `color` wherever the mask has ink.
    public mutating func draw(_ mask: GrayImage, x: Int, y: Int, color: (UInt8, UInt8, UInt8)) {
        for yy in 0..<mask.height { for xx in 0..<mask.width where mask[xx, yy] > 127 { set(x + xx, y + yy, color) } }
    }

    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: (UInt8, UInt8, UInt8)) {
        for yy in y..<(y + h) { for xx in x..<(x + w) { set(xx, yy, color) } }
    }

    public func pixel(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
        let i = 3 * (y * width + x)
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
}
