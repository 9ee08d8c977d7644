import Foundation

/// Reads cleaned digit boxes with Tesseract and turns its answers into ranked, scored candidates
/// over `0`–`9`, `X`, `-` (blank is decided from ink before Tesseract is asked).
///
/// Not thread-safe: one per worker, each with its own engine.
public final class TesseractDigitReader {
    public let engine: TesseractEngine
    /// Height, in pixels, the ink is scaled to before recognition.
    public var inkHeight = 36
    /// White border added around the ink.
    public var padding = 6

    public init(models: ModelLocator = ModelLocator()) throws(DigitReaderError) {
        let (dir, lang) = try models.locate()
        engine = try TesseractEngine(directory: dir, language: lang, characters: Self.answerCharacters)
    }

    /// The image Tesseract sees for a box: ink scaled to `inkHeight`, on a white border.
    public func prepare(_ crop: BoxCrop) -> GrayImage {
        let ink = crop.ink
        let scale = Double(inkHeight) / Double(max(ink.height, Int(Double(ink.width) / 1.2)))
        let w = max(1, Int((Double(ink.width) * scale).rounded())), h = max(1, Int((Double(ink.height) * scale).rounded()))
        let scaled = ink.resized(width: w, height: h)
        var out = GrayImage(width: w + 2 * padding, height: max(h, inkHeight) + 2 * padding)
        let oy = padding + (max(h, inkHeight) - h) / 2
        for y in 0..<h { for x in 0..<w { out[x + padding, y + oy] = scaled[x, y] } }
        return out
    }

    public func read(_ crop: BoxCrop) -> BoxReading {
        if crop.isBlank { return .blank }
        let choices = engine.recognizeCharacter(prepare(crop))
        var scores: [BoxSymbol: Double] = [:]
        for (text, confidence) in choices {
            guard let symbol = Self.symbol(for: text) else { continue }
            scores[symbol] = max(scores[symbol] ?? 0, max(0, min(1, confidence)))
        }
        let total = scores.values.reduce(0, +)
        // Tesseract's choice confidences are not probabilities; normalise them and keep some
        // mass for "none of these" so a single weak answer is never reported as certain.
        let unknownMass = 0.15
        let denominator = max(total, 1e-9) / (1 - unknownMass)
        let candidates = scores.map { Candidate(symbol: $0.key, probability: total > 0 ? $0.value / denominator : 0) }
        return BoxReading(candidates: candidates, source: "tesseract")
    }

    /// Tesseract's answer as a box symbol; nil for anything else.
    /// Stock models know letters better than handwritten digits, so the letters a handwritten
    /// digit is typically taken for are mapped back to that digit.
    static func symbol(for text: String) -> BoxSymbol? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let mapped = lookalikes[t] { return mapped }
        return t.count == 1 ? BoxSymbol(t) : nil
    }

    static let lookalikes: [String: BoxSymbol] = [
        "X": .cross, "x": .cross, "K": .cross, "k": .cross, "Y": .cross, "y": .cross, "×": .cross,
        "-": .dash, "—": .dash, "–": .dash, "_": .dash, "~": .dash,
        "I": .digit(1), "l": .digit(1), "|": .digit(1), "/": .digit(1), "!": .digit(1), "i": .digit(1), "]": .digit(1), "[": .digit(1), "J": .digit(1), "j": .digit(1),
        "O": .digit(0), "o": .digit(0), "D": .digit(0), "Q": .digit(0), "U": .digit(0), "u": .digit(0), "C": .digit(0), "c": .digit(0),
        "Z": .digit(2), "z": .digit(2),
        "S": .digit(5), "s": .digit(5),
        "B": .digit(8), "&": .digit(8),
        "G": .digit(6), "b": .digit(6),
        "g": .digit(9), "q": .digit(9),
        "A": .digit(4), "h": .digit(4),
        "T": .digit(7), "?": .digit(7), ")": .digit(1), "(": .digit(1),
    ]

    /// Everything Tesseract may answer with: digits, the filler marks and the look-alikes.
    public static var answerCharacters: String {
        "0123456789" + lookalikes.keys.filter { $0.count == 1 && $0 != "×" && $0 != "—" && $0 != "–" }.sorted().joined()
    }
}

/// Finds the Tesseract model to use: a folder given by the user, the model shipped with the
/// tool, or a system tessdata folder.
public struct ModelLocator: Sendable {
    public var directory: String?
    /// The model's name (`NAME.traineddata`); nil: this project's `digits` model, else `eng`.
    public var language: String?

    /// The models tried, in order, when none is named: the one trained for boxed digits by
    /// this project (scripts/train/train-tesseract.sh), then Tesseract's English.
    public static let defaultLanguages = ["digits", "eng"]

    public init(directory: String? = nil, language: String? = nil) {
        self.directory = directory
        self.language = language
    }

    /// Folders searched, in order, when no directory is given.
    public static var searchPath: [String] {
        var dirs: [String] = []
        if let bundled = Bundle.module.resourceURL?.appendingPathComponent("Models").path { dirs.append(bundled) }
        if let env = ProcessInfo.processInfo.environment["TESSDATA_PREFIX"] { dirs.append(env) }
        dirs += ["/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata",
                 "/usr/local/share/tessdata"]
        return dirs
    }

    /// The learned classifier's weights: `classifier.bin` in the given folder, else the shipped
    /// one; nil when there is none (Tesseract then reads alone).
    public func classifierPath() throws(DigitReaderError) -> String? {
        try classifierPaths().first
    }

    /// Every weights file of the classifier: `classifier.bin`, then `classifier-2.bin`,
    /// `classifier-3.bin` … while they exist (an ensemble), from the given folder, else the
    /// shipped ones.
    public func classifierPaths() throws(DigitReaderError) -> [String] {
        guard let dir = directory ?? Bundle.module.resourceURL?.appendingPathComponent("Models").path else { return [] }
        var paths: [String] = []
        for i in 1... {
            let p = (dir as NSString).appendingPathComponent(i == 1 ? "classifier.bin" : "classifier-\(i).bin")
            guard FileManager.default.fileExists(atPath: p) else { break }
            paths.append(p)
        }
        return paths
    }

    public func locate() throws(DigitReaderError) -> (directory: String, language: String) {
        let languages = language.map { [$0] } ?? Self.defaultLanguages
        let dirs = directory.map { [$0] } ?? Self.searchPath
        for lang in languages {
            for dir in dirs where FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("\(lang).traineddata")) {
                return (dir, lang)
            }
        }
        throw .modelNotFound(language: languages.joined(separator: " or "), searched: dirs)
    }
}
