import DigitReader
import Foundation

/// Reads the number written in words on a field's words line (`Template.Field.words`): the
/// line cut from the registered page through the registration transform, cleaned (paper and
/// ruled lines away, specks dropped), recognised by Tesseract as one line of letters, and the
/// text scored against the words of every number 0–999 (`WordsScorer`).
///
/// Holds its own Tesseract engine (a text model, `eng` by default): not thread-safe, one per
/// worker, like `BoxReader`.
public final class WordsReader {
    let engine: TesseractEngine
    public var scorer = WordsScorer()
    /// Output pixels per template pixel are chosen so the line is about this tall (Tesseract
    /// reads handwriting better with strokes a few pixels wide); between 1 and `maxZoom`.
    public var lineHeight = 90.0
    public var maxZoom = 2.5
    /// Template pixels of page kept around the rectangle (strokes cross the ruled lines).
    public var margin = 3.0
    /// Height, in pixels, the writing (ascenders to descenders) is scaled to for Tesseract.
    public var inkHeight = 64.0

    /// The characters the line may be read as: letters, space and the dash written for zero.
    public static let characters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -"

    /// The text models tried, in order, when none is named: Tesseract's Indonesian (Debian's
    /// `tesseract-ocr-ind`), then its English. On the ten sample Lembar 2 pages `ind` read 25 of
    /// 50 lines to their number, `eng` 20, when the words were scored against the boxes'
    /// candidates (docs/measurements.md, issue 25: chosen on those pages).
    public static let defaultLanguages = ["ind", "eng"]

    /// The model in use (`NAME.traineddata`).
    public let language: String

    /// - Parameters:
    ///   - directory: where the model is; nil: the usual Tesseract folders.
    ///   - language: the model's name; nil: the first of `defaultLanguages` found.
    public init(directory: String? = nil, language: String? = nil) throws(DigitReaderError) {
        let dirs = directory.map { [$0] } ?? ModelLocator.searchPath
        let wanted = language.map { [$0] } ?? Self.defaultLanguages
        for lang in wanted {
            if let dir = dirs.first(where: { FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent("\(lang).traineddata")) }) {
                engine = try TesseractEngine(directory: dir, language: lang, characters: Self.characters)
                self.language = lang
                return
            }
        }
        throw .modelNotFound(language: wanted.joined(separator: " or "), searched: dirs)
    }

    /// The reading of the field's words line; nil when the template has no words line for it or
    /// the line lies outside the image.
    public func read(_ page: GrayImage, field: Template.Field, transform: Homography) -> WordsReading? {
        switch prepare(page, field: field, transform: transform) {
        case .none: return nil
        case .blank: return WordsReading(text: "", value: nil, probability: 0)
        case .ink(let image): return scorer.score(engine.recognizeLine(image).text)
        }
    }

    /// A words line cut from the page.
    public enum Line {
        /// No line to read: the template has none for the field, or it lies outside the image.
        case none
        /// The line holds no writing.
        case blank
        /// The cleaned writing as Tesseract sees it.
        case ink(GrayImage)
    }

    /// The field's words line, cut and cleaned.
    public func prepare(_ page: GrayImage, field: Template.Field, transform: Homography) -> Line {
        guard let r = field.wordsRect else { return .none }
        let x0 = r.x - margin, y0 = r.y - margin, tw = r.width + 2 * margin, th = r.height + 2 * margin
        let corners = [(x0, y0), (x0 + tw, y0), (x0, y0 + th), (x0 + tw, y0 + th)].map { transform.apply($0.0, $0.1) }
        guard corners.allSatisfy({ $0.x >= 0 && $0.y >= 0 && $0.x < Double(page.width) && $0.y < Double(page.height) }) else { return .none }
        let zoom = max(1, min(maxZoom, lineHeight / r.height))
        let warped = warp(page, x0: x0, y0: y0, width: tw, height: th, zoom: zoom, transform: transform)
        return clean(warped, zoom: zoom).map { .ink($0) } ?? .blank
    }

    /// The rectangle resampled at `zoom` output pixels per template pixel.
    func warp(_ page: GrayImage, x0: Double, y0: Double, width tw: Double, height th: Double, zoom: Double, transform: Homography) -> GrayImage {
        let w = Int((tw * zoom).rounded()), h = Int((th * zoom).rounded())
        var out = GrayImage(width: w, height: h)
        // Average a few samples where the image has more pixels than the output.
        let s = transform.scale(near: x0 + tw / 2, y0 + th / 2) / zoom
        let n = s > 1.6 ? 2 : 1
        page.withSampler { image in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    for x in 0..<w {
                        var sum = 0.0
                        for sy in 0..<n { for sx in 0..<n {
                            let tx = x0 + (Double(x) + (Double(sx) + 0.5) / Double(n)) / zoom
                            let ty = y0 + (Double(y) + (Double(sy) + 0.5) / Double(n)) / zoom
                            let p = transform.apply(tx, ty)
                            sum += image.sample(x: p.x, y: p.y)
                        } }
                        dst[y &* w &+ x] = UInt8(max(0, min(255, (sum / Double(n * n)).rounded())))
                    }
                }
            }
        }
        return out
    }

    /// Black ink on white, cut tight with a white border; nil when the line holds no writing.
    /// Ink is what is much darker than the paper; a row (column) whose ink runs over most of the
    /// line is a ruled line (or the black bar that hides a 2019 sheet's handwritten names) and
    /// its long runs are taken away; components too small to be a stroke are dropped.
    func clean(_ g: GrayImage, zoom: Double) -> GrayImage? {
        let w = g.width, h = g.height
        guard w > 8, h > 8 else { return nil }
        var hist = [Int](repeating: 0, count: 256)
        for v in g.pixels { hist[Int(v)] += 1 }
        var acc = 0, paper = 255
        for v in stride(from: 255, through: 0, by: -1) { acc += hist[v]; if acc >= g.pixels.count / 5 { paper = v; break } }
        let threshold = UInt8(max(40, Int(Double(paper) * 0.62)))
        var ink = g.pixels.map { $0 < threshold }
        // Long horizontal runs (a ruled line, the black bar): over a quarter of the width.
        let longRun = max(20, w / 4)
        for y in 0..<h {
            var x = 0
            while x < w {
                guard ink[y * w + x] else { x += 1; continue }
                var e = x
                while e < w && ink[y * w + e] { e += 1 }
                if e - x >= longRun { for i in x..<e { ink[y * w + i] = false } }
                x = e
            }
        }
        // Long vertical runs (a column rule at either end): over two thirds of the height.
        let tallRun = max(10, h * 2 / 3)
        for x in 0..<w {
            var y = 0
            while y < h {
                guard ink[y * w + x] else { y += 1; continue }
                var e = y
                while e < h && ink[e * w + x] { e += 1 }
                if e - y >= tallRun { for i in y..<e { ink[i * w + x] = false } }
                y = e
            }
        }
        // Components: drop specks (under a stroke's dot at this zoom), the pieces of the ruled
        // lines left where writing crosses them (flat, wide, in the top or bottom fifth) and of
        // the column rules (thin, tall, at either end). A dash written for zero sits mid-line
        // and stays.
        let minArea = Int(12 * zoom * zoom)
        var label = [Int32](repeating: 0, count: w * h)
        var stack: [Int] = []
        var next: Int32 = 0
        var keep = [Bool](repeating: false, count: w * h)
        var any = false
        for start in 0..<(w * h) where ink[start] && label[start] == 0 {
            next += 1
            label[start] = next
            stack.append(start)
            var members: [Int] = []
            var minX = w, maxX = 0, minY = h, maxY = 0
            while let p = stack.popLast() {
                members.append(p)
                let px = p % w, py = p / w
                minX = min(minX, px); maxX = max(maxX, px); minY = min(minY, py); maxY = max(maxY, py)
                for dy in -1...1 { for dx in -1...1 {
                    let nx = px + dx, ny = py + dy
                    guard nx >= 0, ny >= 0, nx < w, ny < h else { continue }
                    let q = ny * w + nx
                    if ink[q] && label[q] == 0 { label[q] = next; stack.append(q) }
                } }
            }
            let cw = Double(maxX - minX + 1), ch = Double(maxY - minY + 1)
            let cy = Double(minY + maxY) / 2, cx = Double(minX + maxX) / 2
            let ruled = ch <= 4 * zoom && cw >= 4 * ch && (cy < Double(h) * 0.2 || cy > Double(h) * 0.8)
            let column = cw <= 4 * zoom && ch >= 4 * cw && (cx < Double(w) * 0.04 || cx > Double(w) * 0.96)
            if members.count >= minArea && !ruled && !column {
                for p in members { keep[p] = true }
                any = true
            }
        }
        guard any else { return nil }
        var minX = w, maxX = 0, minY = h, maxY = 0
        for p in 0..<(w * h) where keep[p] {
            minX = min(minX, p % w); maxX = max(maxX, p % w); minY = min(minY, p / w); maxY = max(maxY, p / w)
        }
        let iw = maxX - minX + 1, ih = maxY - minY + 1
        var ink2 = GrayImage(width: iw, height: ih)
        for y in minY...maxY { for x in minX...maxX where keep[y * w + x] { ink2[x - minX, y - minY] = 0 } }
        // The writing scaled to `inkHeight` (within 0.5x to 4x), on a white border.
        let scale = max(0.5, min(4, inkHeight / Double(ih)))
        let sw = max(1, Int((Double(iw) * scale).rounded())), sh = max(1, Int((Double(ih) * scale).rounded()))
        let scaled = scale == 1 ? ink2 : ink2.resized(width: sw, height: sh)
        let pad = 12
        var out = GrayImage(width: sw + 2 * pad, height: sh + 2 * pad)
        for y in 0..<sh { for x in 0..<sw { out[x + pad, y + pad] = scaled[x, y] } }
        return out
    }

    /// The numbers the boxes offer for a field: every combination of each box's likelier
    /// symbols (up to `perBox`, each at least `floor`), assembled the form's way, with the
    /// field's value, its first reading and its bubbles' number. The words are read without
    /// them (an independent reading); the checks (next) ask whether the words' number is one.
    public static func candidates(_ field: FieldResult, perBox: Int = 3, floor: Double = 0.02) -> [Int] {
        var out: [Int] = []
        let options: [[BoxSymbol]] = field.boxes.map { b in
            let top = b.candidates.sorted { $0.probability > $1.probability }.filter { $0.probability >= floor }.prefix(perBox).map(\.symbol)
            return top.isEmpty ? (b.symbol.map { [$0] } ?? [.blank]) : Array(top)
        }
        func walk(_ i: Int, _ symbols: [BoxSymbol]) {
            if i == options.count {
                if case .value(let v) = FieldAssembly.assemble(symbols) { out.append(v) }
                return
            }
            for s in options[i] { walk(i + 1, symbols + [s]) }
        }
        if !options.isEmpty { walk(0, []) }
        out += [field.value, field.firstReading, field.bubbles?.value].compactMap { $0 }
        var seen = Set<Int>()
        return out.filter { seen.insert($0).inserted }
    }
}
