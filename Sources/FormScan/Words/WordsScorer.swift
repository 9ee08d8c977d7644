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
/// (spaces and punctuation ignored, since handwriting spaces words unevenly), by edit distance
/// over the longer length.
///
/// Each candidate gets weight `exp(-distance / temperature)`; one more "none of them" weight
/// stands at `noneDistance`, so a text far from every candidate is explained by none. The best
/// candidate is the value when its share of the weights reaches `decisive`. The three constants
/// are set by construction, not fitted to the samples: a candidate that differs from another by
/// one short word of a three-word line (~0.25 apart) should lose clearly (exp(-2.5) ≈ 0.08), and
/// a text half wrong (0.5) is no better than no reading.
public struct WordsScorer: Sendable {
    public var temperature = 0.1
    public var noneDistance = 0.5
    public var decisive = 0.8

    public init() {}

    /// The text as compared: lower-case letters only; a line of only dashes is `-`.
    static func letters(_ text: String) -> [Character] {
        let l = text.lowercased().filter { ("a"..."z").contains($0) }
        if l.isEmpty && text.contains(where: { "-–—_~".contains($0) }) { return ["-"] }
        return Array(l)
    }

    /// Levenshtein distance over the longer length (0 same, 1 nothing in common).
    static func distance(_ a: [Character], _ b: [Character]) -> Double {
        if a.isEmpty && b.isEmpty { return 0 }
        if a.isEmpty || b.isEmpty { return 1 }
        var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return Double(prev[b.count]) / Double(max(a.count, b.count))
    }

    /// The smallest distance from the text to any spelling of `n`.
    public func distance(_ text: String, to n: Int) -> Double {
        let t = Self.letters(text)
        return NumberWords.spellings(n).map { Self.distance(t, Self.letters($0)) }.min() ?? 1
    }

    /// The reading of `text` among `candidates` (the number the text spells exactly is always
    /// one of them, so words can name a number the boxes did not offer).
    public func score(_ text: String, candidates: [Int]) -> WordsReading {
        let shown = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !Self.letters(shown).isEmpty else { return WordsReading(text: shown, value: nil, probability: 0) }
        var numbers = candidates.filter { (0...999).contains($0) }
        if let parsed = NumberWords.parse(shown) { numbers.append(parsed) }
        var seen = Set<Int>()
        numbers = numbers.filter { seen.insert($0).inserted }
        guard !numbers.isEmpty else { return WordsReading(text: shown, value: nil, probability: 0) }
        let scored = numbers.map { (n: $0, w: exp(-distance(shown, to: $0) / temperature)) }
        let none = exp(-noneDistance / temperature)
        let total = scored.map(\.w).reduce(none, +)
        let best = scored.max { $0.w < $1.w }!
        let p = best.w / total
        return WordsReading(text: shown, value: p >= decisive ? best.n : nil, probability: (p * 1000).rounded() / 1000)
    }
}
