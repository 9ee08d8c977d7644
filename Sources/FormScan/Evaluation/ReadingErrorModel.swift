import DigitReader
import Foundation

/// How the readers go wrong on one box, as measured on boxes whose truth is known: the share of
/// written boxes whose first reading is wrong, how sure the readers are when they are right and
/// when they are wrong, where the true symbol then ranks, and which symbol a misread gives.
/// Fitted by `scripts/checks-fuzz/fit_error_model.py`; drawn from by the checks fuzzer.
public struct ReadingErrorModel: Codable, Sendable {
    /// Where the figures come from (for the report).
    public var source: String
    /// Share of boxes (digits and fillers) whose first reading is wrong at today's real rate.
    public var missRate: Double
    /// Probabilities of the first three readings of boxes read right.
    public var correct: [[Double]]
    /// Misreads: probabilities of the first readings (the first is the wrong symbol's) and the
    /// rank (0-based) of the true symbol among them, nil when it is not among them.
    public var wrong: [Wrong]
    /// True symbol → symbols a misread of it gives, with weights (symbols as in results: "0"…"9", "X", "-", "blank").
    public var confusion: [String: [String: Double]]

    public struct Wrong: Codable, Sendable {
        public var p: [Double]
        public var truthRank: Int?
    }

    public static func load(_ path: String) throws -> ReadingErrorModel {
        try JSONDecoder().decode(ReadingErrorModel.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// One box's readings of `truth`, misread with probability `missRate × rate`. Both readers
    /// are given the combined first reading (errors fully shared: the worst case for the copy
    /// rules, which trust two readers that agree).
    func reading(of truth: BoxSymbol, position: Int, rate: Double, rng: inout SeededGenerator) -> (box: BoxResult, misread: Bool) {
        let misread = !wrong.isEmpty && Double.random(in: 0..<1, using: &rng) < min(1, missRate * rate)
        var symbols: [BoxSymbol] = []
        var probabilities: [Double]
        if misread, let w = wrong.randomElement(using: &rng) {
            probabilities = w.p
            let wrongSymbol = confusable(truth, excluding: [truth], rng: &rng)
            symbols = [wrongSymbol]
            for i in 1..<probabilities.count {
                symbols.append(i == w.truthRank ? truth : confusable(truth, excluding: Set(symbols + [truth]), rng: &rng))
            }
            if w.truthRank == nil, Bool.random(using: &rng) {
                // The truth far down, or not read at all.
                symbols.append(truth)
                probabilities.append(0.001)
            }
        } else {
            probabilities = correct.randomElement(using: &rng) ?? [1]
            symbols = [truth]
            for _ in 1..<max(1, probabilities.count) {
                symbols.append(confusable(truth, excluding: Set(symbols), rng: &rng))
            }
        }
        let candidates = zip(symbols, probabilities).map { Candidate(symbol: $0, probability: $1) }
            .filter { $0.probability > 0 }.sorted { $0.probability > $1.probability }
        let top = candidates.first ?? Candidate(symbol: truth, probability: 1)
        let votes = [ReaderVote(source: "tesseract", symbol: top.symbol, probability: top.probability),
                     ReaderVote(source: "classifier", symbol: top.symbol, probability: top.probability)]
        let box = BoxResult(position: position, symbol: top.symbol, candidates: candidates, source: "combined",
                            ink: top.symbol == .blank ? 0 : 0.1, readers: votes)
        return (box, misread)
    }

    /// A symbol a reading of `truth` may give instead, by the measured confusions (a small
    /// floor on every symbol, so nothing is impossible).
    func confusable(_ truth: BoxSymbol, excluding: Set<BoxSymbol>, rng: inout SeededGenerator) -> BoxSymbol {
        let all: [BoxSymbol] = (0...9).map { .digit($0) } + [.cross, .dash, .blank]
        let weights = confusion[truth.description] ?? [:]
        let options = all.filter { !excluding.contains($0) }
        let w = options.map { (weights[$0.description] ?? 0) + 0.02 }
        var x = Double.random(in: 0..<w.reduce(0, +), using: &rng)
        for (s, wi) in zip(options, w) {
            x -= wi
            if x < 0 { return s }
        }
        return options.last ?? .blank
    }
}

/// A small, fast, seeded random number generator (SplitMix64), so a fuzz run can be repeated.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
