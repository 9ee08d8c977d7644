import Foundation

/// What was read on a field's words line: the text Tesseract gave, and the number it says when
/// one candidate clearly explains it best.
public struct WordsReading: Sendable, Codable, Equatable {
    /// The line as recognised (letters, spaces, dashes), for a person to compare.
    public var text: String
    /// The candidate number the words name; nil when none clearly wins (or nothing was read).
    public var value: Int?
    /// How clearly the best candidate explains the text against the other candidates and
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

/// Scores candidate numbers by how well their Indonesian words explain a recognised line:
/// the vocabulary is tiny and the candidates are known, so each candidate's spellings
/// (`NumberWords.spellings`) are compared with the text, letters only and case-insensitive
/// (spaces and punctuation ignored, since handwriting spaces words unevenly), by edit distance.
///
/// A reader that gets each letter wrong with some chance makes a text `e` edits away from the
/// words written about `exp(-e * editCost)` as likely as one exactly right: each candidate gets
/// that weight. One more weight stands for "none of them": a text with half its letters wrong
/// (`noneShare`) is no evidence for any candidate. The best candidate is the value when its share
/// of the weights reaches `decisive`. The constants are set by construction, not fitted to the
/// samples: `editCost` 1 (about one letter in three misread, as Tesseract's stock models do on
/// handwriting, costs a factor e), so a candidate that needs three more edits than another loses
/// it clearly (e^-3 ≈ 0.05), and texts no closer than half wrong say nothing.
public struct WordsScorer: Sendable {
    public var editCost = 1.0
    public var noneShare = 0.5
    public var decisive = 0.8

    public init() {}

    /// Letters a text needs before the number it spells counts beyond the candidates (`lima`,
    /// `nol` and longer; never a bare dash).
    static let wordLetters = 3

    /// The text as compared: lower-case letters only; a line of only dashes is `-`.
    static func letters(_ text: String) -> [Character] {
        let l = text.lowercased().filter { ("a"..."z").contains($0) }
        if l.isEmpty && text.contains(where: { "-–—_~".contains($0) }) { return ["-"] }
        return Array(l)
    }

    /// Levenshtein distance: the fewest letters inserted, deleted or changed.
    static func edits(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }

    /// The fewest edits from the text to any spelling of `n`.
    public func edits(_ text: String, to n: Int) -> Int {
        let t = Self.letters(text)
        return NumberWords.spellings(n).map { Self.edits(t, Self.letters($0)) }.min() ?? t.count
    }

    /// The reading of `text` among `candidates` (the number the text spells exactly is one of
    /// them when it has `wordLetters` letters, so words can name a number the boxes did not
    /// offer).
    public func score(_ text: String, candidates: [Int]) -> WordsReading {
        let shown = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !Self.letters(shown).isEmpty else { return WordsReading(text: shown, value: nil, probability: 0) }
        var numbers = candidates.filter { (0...999).contains($0) }
        // A number the boxes did not offer is taken from the words only when they are words: a
        // lone mark read as "-" (a stray stroke, a piece of a rule) names no zero on its own.
        if let parsed = NumberWords.parse(shown), Self.letters(shown).count >= Self.wordLetters { numbers.append(parsed) }
        var seen = Set<Int>()
        numbers = numbers.filter { seen.insert($0).inserted }
        guard !numbers.isEmpty else { return WordsReading(text: shown, value: nil, probability: 0) }
        let scored = numbers.map { (n: $0, w: exp(-Double(edits(shown, to: $0)) * editCost)) }
        let none = exp(-noneShare * Double(Self.letters(shown).count) * editCost)
        let total = scored.map(\.w).reduce(none, +)
        let best = scored.max { $0.w < $1.w }!
        let p = best.w / total
        return WordsReading(text: shown, value: p >= decisive ? best.n : nil, probability: (p * 1000).rounded() / 1000)
    }
}
