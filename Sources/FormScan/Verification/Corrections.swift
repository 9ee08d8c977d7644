import DigitReader
import Foundation

/// A number set by a person, replacing what the boxes were read as.
public struct Correction: Sendable, Equatable {
    /// A field id, or `TEMPLATE_ID.field` when the pages of a station share field ids.
    public var field: String
    public var value: Int
    public init(field: String, value: Int) { self.field = field; self.value = value }

    /// Parses `field=value`.
    public init?(_ text: String) {
        let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, let v = Int(parts[1]), v >= 0, v <= 999 else { return nil }
        field = parts[0]; value = v
    }
}

extension FieldResult {
    /// How the reason a person's number gives begins.
    static let setByPerson = "set by a person to"

    /// Whether a person set this number (`PageResult.applying`).
    public var isSetByPerson: Bool { reasons.contains { $0.hasPrefix(Self.setByPerson) } }
}

extension PageResult {
    /// The page with the given fields set by a person and its rules checked again: a person's
    /// number is treated as a sure reading of every box, so the rules it completes can confirm
    /// it and the numbers around it. The machine's boxes stay in the result and the reading
    /// they gave is kept as `firstReading`.
    public func applying(_ corrections: [String: Int], template: LoadedTemplate) -> PageResult {
        guard !corrections.isEmpty else { return self }
        var boxes: [String: [BoxResult]] = fields.mapValues(\.boxes)
        for (id, value) in corrections {
            guard let count = fields[id]?.boxes.count, count > 0 else { continue }
            let digits = String(value).compactMap { $0.wholeNumberValue }
            let symbols: [BoxSymbol] = Array(repeating: .cross, count: max(0, count - digits.count)) + digits.map { .digit($0) }
            boxes[id] = symbols.suffix(count).enumerated().map { i, s in
                BoxResult(position: i, symbol: s, candidates: [Candidate(symbol: s, probability: 1)], source: "person", ink: 0,
                          readers: [ReaderVote(source: "person", symbol: s, probability: 1)])
            }
        }
        var (newFields, rules, _) = Reconciler(template: template).check(boxes: boxes)
        for (id, value) in corrections {
            guard var f = newFields[id], let old = fields[id] else { continue }
            f.boxes = old.boxes
            f.firstReading = old.value ?? old.firstReading
            f.reasons.insert("\(FieldResult.setByPerson) \(value) (the photo was read as \(old.value.map(String.init) ?? "nothing"), \(old.status.rawValue))", at: 0)
            newFields[id] = f
        }
        var page = self
        page.fields = newFields
        // Rules across pages are applied again by the caller (StationChecker).
        page.rules = rules
        page.status = newFields.values.map(\.status).max() ?? .missing
        return page
    }
}
