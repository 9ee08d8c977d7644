import DigitReader
import Foundation

/// Pictures for a person: the registered page with every box outlined in its field's status
/// colour, the value read beside the page on the row's line, failed rules and the fields to
/// check in the margin, with a legend of the colours; and a sheet of just the fields that need
/// a look, each with its box crops enlarged, what each machine reader saw, and why.
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
    /// A number that differs from the recap, whatever the form's rules say of it.
    public static let recapColor: Color = (235, 120, 0)

    public var marginWidth = 640
    /// The words in the pictures (the caller's language).
    public var words = Words()
    /// The recap's number for each field that differs from it, keyed `template.field`: drawn in
    /// `recapColor` with the recap's number, never in the green of a verified number.
    public var recap: [String: Int] = [:]
    public init(words: Words = Words()) { self.words = words }

    public struct Words: Sendable {
        public var status: @Sendable (FieldStatus) -> String = { $0.rawValue }
        /// A reason of the checks, in the caller's language.
        public var reason: @Sendable (String) -> String = { $0 }
        /// A failed rule's numbers, as the caller shows them (e.g. with the difference).
        public var numbers: @Sendable (String) -> String = { $0 }
        /// A reader's name (`tesseract`, `classifier`, `person` …) as a person should read it.
        public var reader: @Sendable (String) -> String = { source in
            switch source {
            case "tesseract": return "reader 1"
            case "classifier": return "reader 2"
            default: return source
            }
        }
        public var pageStatus = "page status"
        public var allRulesHold = "every rule holds"
        public var failedRules = "rules that fail:"
        public var toCheck = "to check:"
        public var soft = "warning"
        public var box = "box"
        public var blank = "blank"
        public var unread = "unread"
        public var recap = "recap"
        public var recapDiffers = "differs from the recap"
        public var legend = "colours:"
        public var reviewTitle = "Fields to check: the boxes enlarged, what the machine readers saw, and why"
        public var reading = "read"
        public var candidates = "could be"
        public var why = "why"
        public var noneToCheck = "none"
        public init() {}
    }

    /// The page as registered, in the template's frame (its boxes at the template's coordinates).
    public static func upright(_ page: GrayImage, transform: Homography, template: Template) -> GrayImage {
        page.warped(width: Int(template.width.rounded()), height: Int(template.height.rounded()), through: transform)
    }

    /// The colour a field is drawn in: its status, or `recapColor` when it differs from the recap.
    func color(_ r: FieldResult, template: String) -> Color {
        recap["\(template).\(r.id)"] != nil ? Self.recapColor : Self.color(r.status)
    }

    /// The fields of a page grouped in rows (boxes on one line), top to bottom, each row left
    /// to right, with the first box of each field.
    static func rows(_ result: PageResult, template: LoadedTemplate) -> [[(field: Template.Field, first: Rect, last: Rect)]] {
        let placed = template.template.fields.compactMap { f -> (field: Template.Field, first: Rect, last: Rect)? in
            guard let first = f.boxes.first.map(Rect.init), let last = f.boxes.last.map(Rect.init), result.fields[f.id] != nil else { return nil }
            return (f, first, last)
        }
        var rows: [[(field: Template.Field, first: Rect, last: Rect)]] = []
        for item in placed.sorted(by: { $0.first.midY < $1.first.midY }) {
            if let lead = rows.last?.first, abs(lead.first.midY - item.first.midY) < item.first.height / 2 {
                rows[rows.count - 1].append(item)
            } else {
                rows.append([item])
            }
        }
        return rows.map { $0.sorted { $0.first.x < $1.first.x } }
    }

    /// The annotated page. `upright` is `Annotator.upright(...)` of the same page.
    ///
    /// Layout, left to right: the page (boxes outlined, nothing written over the form), a column
    /// of the values read, each on its row's line and joined to its boxes by a dotted line, then
    /// the margin (heading, page status, failed rules, fields to check, legend), wrapped to fit.
    public func page(_ result: PageResult, upright: GrayImage, template: LoadedTemplate, heading: [String] = []) -> RGBImage {
        let small = Self.font(8), big = Self.font(10)
        let rows = Self.rows(result, template: template)
        let perRow = rows.map(\.count).max() ?? 1
        // One cell per field of the widest row, wide enough for "999" and "recap 999".
        let cell = max(64, (small?.render("\(words.recap) 999").width ?? 0) + 12, (big?.render("999").width ?? 0) + 16)
        let valuesWidth = perRow * cell + 24
        var canvas = RGBImage(width: upright.width + valuesWidth + marginWidth, height: upright.height)
        canvas.paste(upright, x: 0, y: 0)
        for f in template.template.fields {
            guard let r = result.fields[f.id] else { continue }
            for b in f.boxes.map(Rect.init) {
                canvas.strokeRect(x: Int(b.x.rounded()) - 1, y: Int(b.y.rounded()) - 1, width: Int(b.width.rounded()) + 2,
                                  height: Int(b.height.rounded()) + 2, color: color(r, template: result.template), thickness: 3)
            }
        }
        // The values, right of the page on each row's line: over the form they would hide the
        // form's own words or other boxes.
        canvas.fill(x: upright.width, y: 0, width: 2, height: upright.height, color: (120, 120, 120))
        if let big, let small {
            let x0 = upright.width + 16
            for row in rows {
                let y = Int(row[0].first.midY.rounded())
                let offset = perRow - row.count  // short rows line up on the right (the totals' column)
                let lastBox = row.map { $0.last.x + $0.last.width }.max() ?? 0
                var x = Int(lastBox.rounded()) + 6
                while x < x0 + offset * cell - 8 {  // a dotted line from the boxes to the values
                    canvas.fill(x: x, y: y, width: 3, height: 1, color: (150, 150, 150))
                    x += 7
                }
                for (i, item) in row.enumerated() {
                    guard let r = result.fields[item.field.id] else { continue }
                    let c = color(r, template: result.template)
                    let mask = big.render(r.value.map(String.init) ?? "?")
                    let right = x0 + (i + offset + 1) * cell - 12  // right-aligned: units under units
                    if let expected = recap["\(result.template).\(item.field.id)"] {
                        let note = small.render("\(words.recap) \(expected)")
                        canvas.draw(mask, x: right - mask.width, y: y - mask.height + 2, color: c)
                        canvas.draw(note, x: right - note.width, y: y + 2, color: c)
                    } else {
                        canvas.draw(mask, x: right - mask.width, y: y - mask.height / 2, color: c)
                    }
                }
            }
        }
        // The margin: heading, the page's status, every failed rule with its numbers, the fields
        // to check, a legend.
        var y = 12
        let x0 = upright.width + valuesWidth + 8
        let textWidth = marginWidth - 24
        func line(_ text: String, _ color: Color = (0, 0, 0), font: BitmapFont?, indent: Int = 0) {
            guard let font else { return }
            for (i, piece) in Self.wrap(text, font: font, width: textWidth - indent).enumerated() {
                canvas.draw(font.render(piece), x: x0 + indent + (i > 0 ? 16 : 0), y: y, color: color)
                y += font.lineHeight + 6
            }
        }
        for h in heading { line(h, font: big) }
        line(template.template.title, (60, 60, 60), font: small)
        let differing = result.orderedFields.filter { recap["\(result.template).\($0.id)"] != nil }
        line("\(words.pageStatus): \(words.status(result.status).uppercased())", Self.color(result.status), font: big)
        if !differing.isEmpty { line("\(differing.count) \(words.recapDiffers)".uppercased(), Self.recapColor, font: big) }
        y += 12
        let failed = result.rules.filter { $0.outcome == .fail }
        line(failed.isEmpty ? words.allRulesHold : words.failedRules, font: big)
        for rule in failed {
            line("\(rule.soft ? "(\(words.soft)) " : "")\(rule.label): \(words.numbers(rule.numbers))",
                 rule.soft ? (150, 110, 0) : Self.color(.review), font: small, indent: 8)
        }
        if !differing.isEmpty {
            y += 12
            line("\(words.recapDiffers):", font: big)
            for f in differing {
                let expected = recap["\(result.template).\(f.id)"]!
                line("\(f.label): \(f.value.map(String.init) ?? "?"), \(words.recap) \(expected)", Self.recapColor, font: small, indent: 8)
            }
        }
        let needing = result.orderedFields.filter { $0.status > .corrected }
        if !needing.isEmpty {
            y += 12
            line(words.toCheck, font: big)
            for f in needing {
                line("\(f.label) = \(f.value.map(String.init) ?? "?") (\(words.status(f.status)))", Self.color(f.status), font: small, indent: 8)
            }
        }
        y += 12
        line(words.legend, font: big)
        var legend = FieldStatus.allCases.map { (words.status($0), Self.color($0)) }
        if !differing.isEmpty { legend.append((words.recapDiffers, Self.recapColor)) }
        if let small {
            for (name, c) in legend {
                let h = small.lineHeight
                canvas.strokeRect(x: x0 + 8, y: y, width: 2 * h, height: h, color: c, thickness: 3)
                canvas.draw(small.render(name), x: x0 + 16 + 2 * h, y: y - 1, color: c)
                y += h + 8
            }
        }
        return canvas
    }

    /// A sheet of the fields that need a look: for each, its label, the box crops enlarged,
    /// what each box was read as (the candidates and each reader's guess), and why.
    public func reviewSheet(_ items: [(result: PageResult, upright: GrayImage, template: LoadedTemplate)]) -> RGBImage? {
        struct Row { var crop: GrayImage; var lines: [(String, Color, BitmapFont?)] }
        let small = Self.font(8), big = Self.font(10)
        func symbol(_ s: BoxSymbol?) -> String { s.map { $0 == .blank ? words.blank : $0.description } ?? words.unread }
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
                var lines: [(String, Color, BitmapFont?)] = [
                    ("\(r.label)", (0, 0, 0), big),
                    ("\(words.reading): \(r.value.map(String.init) ?? "?")  [\(words.status(r.status))]   (\(item.template.template.title.split(separator: ":").first.map(String.init) ?? item.template.id))", color(r, template: item.result.template), small),
                ]
                if let expected = recap["\(item.result.template).\(f.id)"] {
                    lines.append(("\(words.recapDiffers): \(words.recap) \(expected)", Self.recapColor, small))
                }
                for b in r.boxes {
                    let likely = b.candidates.prefix(3).enumerated().filter { $0.offset == 0 || $0.element.probability >= 0.01 }.map(\.element)
                    let cands = likely.map { "\(symbol($0.symbol)) (\(Int(($0.probability * 100).rounded()))%)" }
                    let votes = b.readers.map { "\(words.reader($0.source)): \(symbol($0.symbol))" }
                    lines.append(("\(words.box) \(b.position + 1): \(words.candidates) \(cands.isEmpty ? words.unread : cands.joined(separator: ", "))"
                                  + (votes.isEmpty ? "" : "   (\(votes.joined(separator: ", ")))"), (0, 0, 0), small))
                }
                for reason in r.reasons { lines.append(("\(words.why): \(words.reason(reason))", (90, 90, 90), small)) }
                rows.append(Row(crop: crop, lines: lines))
            }
        }
        guard !rows.isEmpty, let small, let big else { return nil }
        let cropW = rows.map(\.crop.width).max()!
        let textWidth = 940
        let width = cropW + 24 + textWidth + 16
        // Every line wrapped to the text column, measured in pixels.
        let wrapped: [[(String, Color, BitmapFont)]] = rows.map { row in
            row.lines.flatMap { text, c, f in Self.wrap(text, font: f ?? small, width: textWidth).map { ($0, c, f ?? small) } }
        }
        let title = Self.wrap(words.reviewTitle, font: big, width: width - 16)
        let titleHeight = title.count * (big.lineHeight + 4) + 16
        let heights = zip(rows, wrapped).map { row, lines in max(row.crop.height, lines.reduce(0) { $0 + $1.2.lineHeight + 4 }) + 20 }
        var sheet = RGBImage(width: width, height: titleHeight + heights.reduce(0, +) + 8)
        var y = 8
        for t in title { sheet.draw(big.render(t), x: 8, y: y, color: (0, 0, 0)); y += big.lineHeight + 4 }
        y = titleHeight
        sheet.fill(x: 0, y: y - 8, width: width, height: 2, color: (120, 120, 120))
        for ((row, lines), h) in zip(zip(rows, wrapped), heights) {
            sheet.paste(row.crop, x: 8, y: y)
            var ty = y
            for (text, color, font) in lines {
                sheet.draw(font.render(text), x: cropW + 24, y: ty, color: color)
                ty += font.lineHeight + 4
            }
            y += h
            sheet.fill(x: 0, y: y - 10, width: width, height: 1, color: (200, 200, 200))
        }
        return sheet
    }

    /// `text` in lines no wider than `width` pixels in `font` (a word wider than a line is cut
    /// into pieces that fit).
    static func wrap(_ text: String, font: BitmapFont, width: Int) -> [String] {
        var out: [String] = [], line = ""
        func fits(_ s: String) -> Bool { font.render(s).width <= width }
        for word in text.split(separator: " ").map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if fits(candidate) { line = candidate; continue }
            if !line.isEmpty { out.append(line); line = "" }
            var rest = word
            while !fits(rest), rest.count > 1 {
                var n = rest.count - 1
                while n > 1 && !fits(String(rest.prefix(n))) { n -= 1 }
                out.append(String(rest.prefix(n)))
                rest = String(rest.dropFirst(n))
            }
            line = rest
        }
        if !line.isEmpty { out.append(line) }
        return out
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
