import DigitReader
import Foundation

/// The number written a second time as filled bubbles (2024 page 2: a 0–9 column under each
/// digit box), read by mark detection: a third reading of each digit, independent of the
/// readers of the boxes.
public struct BubbleReading: Sendable, Codable, Equatable {
    /// One column: the digit filled, nothing filled, or several filled.
    public enum Column: Sendable, Codable, Equatable {
        case digit(Int)
        case empty
        case several([Int])
    }
    public var columns: [Column]
    /// Darkness (0–255) inside each bubble, column by column, for audit.
    public var darkness: [[Int]]

    /// The number the columns spell: leading empty columns are unused places (like an `X` box);
    /// nil when a column is ambiguous, an empty column follows a filled one, or nothing is filled.
    public var value: Int? {
        var digits: [Int] = []
        for c in columns {
            switch c {
            case .digit(let d): digits.append(d)
            case .empty: if !digits.isEmpty { return nil }
            case .several: return nil
            }
        }
        return digits.isEmpty ? nil : digits.reduce(0) { $0 * 10 + $1 }
    }

    /// As shown to a person: `_23`, `1?3` (`?`: several marks).
    public var text: String {
        columns.map { c in
            switch c {
            case .digit(let d): String(d)
            case .empty: "_"
            case .several: "?"
            }
        }.joined()
    }

    public var isBlank: Bool { columns.allSatisfy { $0 == .empty } }

    public init(columns: [Column], darkness: [[Int]]) {
        self.columns = columns
        self.darkness = darkness
    }

    // JSON: `{"columns": ["_", "3", "2|7"], "value": 32, "darkness": [[…], …]}`.
    enum CodingKeys: String, CodingKey { case columns, value, darkness }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(columns.map { col -> String in
            switch col {
            case .digit(let d): String(d)
            case .empty: "_"
            case .several(let ds): ds.map(String.init).joined(separator: "|")
            }
        }, forKey: .columns)
        try c.encodeIfPresent(value, forKey: .value)
        try c.encode(darkness, forKey: .darkness)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        columns = try c.decode([String].self, forKey: .columns).map { s in
            if s == "_" { return .empty }
            let ds = s.split(separator: "|").compactMap { Int($0) }
            return ds.count == 1 ? .digit(ds[0]) : .several(ds)
        }
        darkness = try c.decode([[Int]].self, forKey: .darkness)
    }
}

enum BubbleReader {
    /// A bubble counts as filled when its inside is this much darker than the column's typical
    /// bubble (whose inside holds only the printed digit) and than this floor.
    static let minimumStep = 60.0
    static let minimumDarkness = 90.0

    /// Reads the bubble columns of a field, or nil when the template has none.
    static func read(_ page: GrayImage, field: Template.Field, radius: Double, transform: Homography) -> BubbleReading? {
        guard let columns = field.bubbles, !columns.isEmpty else { return nil }
        var out: [BubbleReading.Column] = []
        var darkness: [[Int]] = []
        page.withSampler { image in
            for centres in columns {
                // Mean darkness over the inner disc (60% of the radius), sampled in template pixels.
                let values: [Double] = centres.map { c in
                    var sum = 0.0, n = 0.0
                    let r = radius * 0.6
                    var dy = -r
                    while dy <= r {
                        var dx = -r
                        while dx <= r {
                            if dx * dx + dy * dy <= r * r {
                                let p = transform.apply(c[0] + dx, c[1] + dy)
                                sum += 255 - image.sample(x: p.x, y: p.y, outside: 255)
                                n += 1
                            }
                            dx += 1
                        }
                        dy += 1
                    }
                    return n > 0 ? sum / n : 0
                }
                darkness.append(values.map { Int($0.rounded()) })
                let typical = values.sorted()[values.count / 2]
                let filled = values.indices.filter { values[$0] >= max(minimumDarkness, typical + minimumStep) }
                switch filled.count {
                case 0: out.append(.empty)
                case 1: out.append(.digit(filled[0]))
                default:
                    // One mark clearly darker than the rest still reads (a smudge beside it).
                    let sorted = filled.sorted { values[$0] > values[$1] }
                    if values[sorted[0]] - values[sorted[1]] >= minimumStep { out.append(.digit(sorted[0])) } else { out.append(.several(filled)) }
                }
            }
        }
        return BubbleReading(columns: out, darkness: darkness)
    }

    /// Weighs the bubbles against what the boxes gave: agreement confirms a number no rule of
    /// the page covers; disagreement, or bubbles that cannot be read, send it to a person with
    /// both readings.
    static func apply(_ reading: BubbleReading, to f: inout FieldResult) {
        f.bubbles = reading
        if reading.isBlank { return }
        guard let bubbles = reading.value else {
            f.status = max(f.status, .review)
            f.reasons.append("the bubbles cannot be read as a number (\(reading.text)); the boxes say \(f.value.map(String.init) ?? "nothing")")
            return
        }
        guard let value = f.value, value == bubbles else {
            f.status = max(f.status, .review)
            f.reasons.append("the bubbles say \(bubbles), the boxes \(f.value.map(String.init) ?? "nothing")")
            return
        }
        let uncovered = "no rule of the form covers this number"
        if f.status == .review && f.reasons.allSatisfy({ $0 == uncovered }) {
            f.status = .verified
            f.reasons = ["the bubbles say \(bubbles) too"]
        } else {
            f.reasons.append("the bubbles say \(bubbles) too")
        }
    }
}
