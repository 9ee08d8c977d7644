import Foundation

/// What was read on a field's words line: the text Tesseract gave, and the number it says when
/// one number's words clearly explain it best.
public struct WordsReading: Sendable, Codable, Equatable {
    /// The line as recognised (letters, spaces, dashes), for a person to compare.
    public var text: String
    /// The number the words name; nil when none clearly wins (or nothing was read).
    public var value: Int?
    /// How clearly the best number explains the text against every other number 0–999 and
    /// against "none of them" (0…1).
    public var probability: Double

    public init(text: String, value: Int?, probability: Double) {
        self.text = text; self.value = value; self.probability = probability
    }

    enum CodingKeys: String, CodingKey { case text, value, probability }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(text, forKey: .text)
        try c.encodeIfPresent(value, forKey: .value)
        try c.encode(probability, forKey: .probability)
    }
}

/// Scores numbers by how well their Indonesian words explain a recognised line: the vocabulary
/// is tiny, so each number's spellings (`NumberWords.spellings`) are compared with the text,
/// letters only and case-insensitive (spaces and punctuation ignored, since handwriting spaces
/// words unevenly), by edit distance.
///
/// Every number 0–999 is scored, not only the boxes' candidates (`WordsReader.candidates`): the
/// words are an independent reading, so a line that names 182 must not "confirm" the boxes' 186
/// because 186 is the nearest of the numbers they offer (a generated page, its digits redrawn
/// beside the words of the page it was made from, showed exactly that). A reader that gets a
/// letter wrong with some chance makes a text `e` edits away from the words written about
/// `exp(-e * editCost)` as likely as one exactly right: each number gets that weight, and one
/// more weight stands for "none of them" (a text with `noneShare` of its letters wrong is no
/// evidence for any number). The best is the value when its share of all the weights reaches
/// `decisive`. The constants are set by construction on the lexicon, not fitted to the samples:
/// the nearest rivals of a number's words are 3 edits away (`seratus` / `dua ratus`, `empat` /
/// `enam`), and a line read exactly must name its number clearly against them: with `editCost`
/// 2 an exact "seratus tujuh puluh empat" has p 0.99 (with 1 it had 0.72: two rivals at 3 edits,
/// six at 4), a number needing two more edits than another loses (e^-4 ≈ 0.02), a line no
/// closer than half wrong says nothing, and a lone dash (one mark) is too little to name zero
/// on its own.
public struct WordsScorer: Sendable {
    public var editCost = 2.0
    public var noneShare = 0.5
    public var decisive = 0.8

    public init() {}

    /// Edits past the best beyond which a number is counted at its length bound only.
    static let farBeyond = 6

    /// Every number 0–999 with the letters of each of its spellings.
    static let lexicon: [(n: Int, spellings: [[UInt8]])] = (0...999).map { n in
        (n, NumberWords.spellings(n).map { letters($0) })
    }

    /// The text as compared: lower-case ASCII letters only; a line of only dashes is `-`.
    static func letters(_ text: String) -> [UInt8] {
        let l = text.lowercased().utf8.filter { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
        if l.isEmpty && text.contains(where: { "-–—_~".contains($0) }) { return [UInt8(ascii: "-")] }
        return l
    }

    /// Levenshtein distance: the fewest letters inserted, deleted or changed.
    static func edits(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for i in 1...a.count {
                    cur[0] = i
                    let ai = a[i - 1]
                    for j in 1...b.count {
                        cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ai == b[j - 1] ? 0 : 1))
                    }
                    swap(&prev, &cur)
                }
            }
        }
        return prev[b.count]
    }

    /// The fewest edits from the text to any spelling of `n`.
    public func edits(_ text: String, to n: Int) -> Int {
        let t = Self.letters(text)
        return NumberWords.spellings(n).map { Self.edits(t, Self.letters($0)) }.min() ?? t.count
    }

    /// The reading of `text`: the number 0–999 whose words explain it clearly best, with its
    /// share of the weights.
    public func score(_ text: String) -> WordsReading {
        let shown = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let t = Self.letters(shown)
        guard !t.isEmpty else { return WordsReading(text: shown, value: nil, probability: 0) }
        var total = exp(-noneShare * Double(t.count) * editCost)
        var best = (n: -1, w: 0.0, e: Int.max)
        // Nearest lengths first: a spelling is at least its difference in length away, so once
        // that bound is `farBeyond` edits past the best, the rest are only added at their bound
        // (an upper bound on their weight: the share of the best is never overstated).
        let byLength = Self.lexicon.map { entry in
            (entry, entry.spellings.map { abs($0.count - t.count) }.min() ?? t.count)
        }.sorted { $0.1 < $1.1 }
        for ((n, spellings), bound) in byLength {
            if best.e != Int.max && bound >= best.e + Self.farBeyond {
                total += exp(-Double(bound) * editCost)
                continue
            }
            let e = spellings.map { Self.edits(t, $0) }.min() ?? t.count
            let w = exp(-Double(e) * editCost)
            total += w
            if w > best.w { best = (n, w, e) }
        }
        let p = best.w / total
        return WordsReading(text: shown, value: p >= decisive ? best.n : nil, probability: (p * 1000).rounded() / 1000)
    }
}
