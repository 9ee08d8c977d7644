import DigitReader

/// How far a field (or a page) can be trusted. Ordered from best to worst.
public enum FieldStatus: String, Sendable, Codable, Comparable, CaseIterable {
    /// The best reading, and every hard rule that covers the field holds.
    case verified
    /// A lower-ranked reading was chosen because the rules demand it.
    case corrected
    /// A person must look: rules fail, readings are unsure, or the number is malformed.
    case review
    /// No usable reading: boxes empty or unreadable where a number is required.
    case missing

    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: FieldStatus, b: FieldStatus) -> Bool { a.rank < b.rank }
}

/// One box of a field: what the readers saw.
public struct BoxResult: Sendable, Codable {
    /// 0 = hundreds, 1 = tens, 2 = units.
    public var position: Int
    /// The symbol used for the value.
    public var symbol: BoxSymbol?
    /// Ranked candidates with probabilities.
    public var candidates: [Candidate]
    public var source: String
    /// Fraction of the box covered by ink.
    public var ink: Double
    /// Each reader's own best guess (Tesseract, the classifier), before combination.
    public var readers: [ReaderVote]
}

/// One reader's best guess for a box.
public struct ReaderVote: Sendable, Codable {
    public var source: String
    public var symbol: BoxSymbol?
    public var probability: Double
}

/// One field of the page.
public struct FieldResult: Sendable, Codable {
    public var id: String
    public var label: String
    /// The number, or nil when it could not be read with confidence to form one.
    public var value: Int?
    public var status: FieldStatus
    /// Why the status is what it is, in plain words.
    public var reasons: [String]
    /// For `corrected`: the value the first readings gave.
    public var firstReading: Int?
    public var boxes: [BoxResult]
    /// The number filled in the bubbles under the boxes (2024 page 2), read as marks.
    public var bubbles: BubbleReading? = nil
    /// True when the number was set aside as the one misread (no reading of it agrees with the
    /// rest): the rules it is in are not held against the numbers that agree. Absent otherwise.
    public var setAside: Bool? = nil
    /// The number as written in words on its words line (`Template.Field.words`), read and
    /// scored against every number 0–999; weighed against the boxes by `WordsEvidence`.
    public var words: WordsReading? = nil
}

/// A rule's outcome on the values read.
public struct RuleResult: Sendable, Codable {
    public enum Outcome: String, Sendable, Codable { case pass, fail, unknown }
    public var rule: String
    public var label: String
    public var soft: Bool
    public var outcome: Outcome
    /// The rule with numbers in place of fields, e.g. `135 + 1 = 136`.
    public var numbers: String
    public var fields: [String]
    /// True for a rule spanning the pages of a station (fields may be `template.field`).
    public var station: Bool? = nil
}

/// Time spent in each stage, milliseconds.
public struct Timings: Sendable, Codable {
    public var decode = 0.0
    /// Naming the page before registration (`Identification`).
    public var identification = 0.0
    public var registration = 0.0
    public var cleaning = 0.0
    public var reading = 0.0
    public var checks = 0.0
    /// Reading the words lines (cropping, cleaning, Tesseract, scoring).
    public var words = 0.0
    public var total: Double { decode + identification + registration + cleaning + reading + checks + words }

    enum CodingKeys: String, CodingKey { case decode, identification, registration, cleaning, reading, checks, words, total }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(decode, forKey: .decode); try c.encode(identification, forKey: .identification)
        try c.encode(registration, forKey: .registration)
        try c.encode(cleaning, forKey: .cleaning); try c.encode(reading, forKey: .reading)
        try c.encode(checks, forKey: .checks); try c.encode(words, forKey: .words); try c.encode(total, forKey: .total)
    }
    public init() {}
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        decode = try c.decode(Double.self, forKey: .decode)
        // Absent in results stored before identification was its own stage.
        identification = try c.decodeIfPresent(Double.self, forKey: .identification) ?? 0
        registration = try c.decode(Double.self, forKey: .registration)
        cleaning = try c.decode(Double.self, forKey: .cleaning); reading = try c.decode(Double.self, forKey: .reading)
        checks = try c.decode(Double.self, forKey: .checks)
        // Absent in results stored before the words were read.
        words = try c.decodeIfPresent(Double.self, forKey: .words) ?? 0
    }
}

/// Everything learnt about one page image. Its JSON form is documented in docs/result-schema.md.
public struct PageResult: Sendable, Codable {
    public var schemaVersion = 1
    public var file: String
    public var template: String
    public var templateTitle: String
    public var image: ImageInfo
    public var registration: Registration
    /// Canonical field id -> result.
    public var fields: [String: FieldResult]
    /// Field ids in the form's order.
    public var fieldOrder: [String]
    public var rules: [RuleResult]
    /// The worst field status.
    public var status: FieldStatus
    public var timings: Timings
    /// How the page was named before registration, with the evidence (absent in results
    /// stored before identification was its own stage).
    public var identification: Identification? = nil

    public struct ImageInfo: Sendable, Codable {
        public var width: Int
        public var height: Int
        public var format: String
        public var exifOrientation: Int
    }

    public var orderedFields: [FieldResult] { fieldOrder.compactMap { fields[$0] } }
}
