/// What one handwritten box can hold.
public enum BoxSymbol: Hashable, Sendable, Comparable, CustomStringConvertible {
    case digit(Int)
    /// `X`: an unused leading box (or, wrongly, a units box).
    case cross
    /// `-`: the 2019 DPR plano's way to mark an unused box.
    case dash
    /// No ink at all.
    case blank

    /// Every class a reader scores, in a fixed order: `0`–`9`, `X`, `-`, blank.
    public static let all: [BoxSymbol] = (0...9).map { .digit($0) } + [.cross, .dash, .blank]

    public var description: String {
        switch self {
        case .digit(let d): return String(d)
        case .cross: return "X"
        case .dash: return "-"
        case .blank: return "blank"
        }
    }

    /// Parses the `description` form ("0"…"9", "X", "-", "blank").
    public init?(_ text: String) {
        switch text {
        case "X", "x": self = .cross
        case "-": self = .dash
        case "blank", "": self = .blank
        default:
            guard text.count == 1, let d = Int(text), (0...9).contains(d) else { return nil }
            self = .digit(d)
        }
    }

    /// A mark that means "no digit here" (an unused leading box).
    public var isFiller: Bool {
        switch self {
        case .cross, .dash, .blank: return true
        case .digit: return false
        }
    }

    public var digitValue: Int? {
        if case .digit(let d) = self { return d }
        return nil
    }

    public var classIndex: Int {
        switch self {
        case .digit(let d): return d
        case .cross: return 10
        case .dash: return 11
        case .blank: return 12
        }
    }
}

extension BoxSymbol: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = BoxSymbol(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a box symbol: \(s)")
        }
        self = v
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// One ranked guess for a box.
public struct Candidate: Sendable, Codable, Equatable {
    public var symbol: BoxSymbol
    /// Probability in 0…1 that the box holds `symbol`.
    public var probability: Double

    public init(symbol: BoxSymbol, probability: Double) {
        self.symbol = symbol
        self.probability = probability
    }
}

/// A reader's answer for one box: candidates, most probable first, probabilities summing to ≤ 1.
public struct BoxReading: Sendable, Codable, Equatable {
    public var candidates: [Candidate]
    /// Which reader produced this ("tesseract", "ink" for blank detection, …).
    public var source: String

    public init(candidates: [Candidate], source: String) {
        // Ties in class order: readings built from a dictionary come out the same on every run.
        self.candidates = candidates.sorted { ($0.probability, $1.symbol.classIndex) > ($1.probability, $0.symbol.classIndex) }
        self.source = source
    }

    public var best: Candidate? { candidates.first }

    public func probability(of symbol: BoxSymbol) -> Double {
        candidates.first { $0.symbol == symbol }?.probability ?? 0
    }

    /// A blank box, decided from ink before any reader.
    public static let blank = BoxReading(candidates: [Candidate(symbol: .blank, probability: 0.99)], source: "ink")

    /// This reading and `other` mixed, `other` counting for `weight` (0…1); this one's source.
    public func mixed(with other: BoxReading, weight: Double) -> BoxReading {
        let symbols = Set(candidates.map(\.symbol)).union(other.candidates.map(\.symbol))
        return BoxReading(candidates: symbols.map { Candidate(symbol: $0, probability: (1 - weight) * probability(of: $0) + weight * other.probability(of: $0)) },
                          source: source)
    }
}
