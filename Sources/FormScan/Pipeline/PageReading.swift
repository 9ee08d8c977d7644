import DigitReader
import Foundation

/// When Tesseract, the slower of the two box readers (about 2 ms a box against the classifier's
/// 0.25 ms), reads a box.
public enum SecondReading: String, Sendable, CaseIterable, Codable {
    /// Every inked box is read by both readers.
    case always
    /// The classifier reads every box first; Tesseract reads the boxes of every field except
    /// those the second reading cannot change: the classifier is sure of each box (at least
    /// `PageReading.sureFirstReading`, which the rules never overturn with or without
    /// Tesseract's opinion) and a sum of the form confirms the number on its own, with every
    /// other number of those rules confirmed too; and every box when the reconciler had to weigh
    /// pairs of numbers to set aside (that search ranks fields by every box's probability).
    /// Values and statuses come out as with `always` (only the probabilities shown for the boxes
    /// read once differ); a page is read 2-5x faster. A number that a later check (the 2024
    /// bubbles, a station rule) sends to review keeps the classifier's vote alone for those boxes.
    case whereNeeded = "where-needed"
}

/// Reads a page's cleaned boxes and reconciles them with the page's rules, asking the second
/// reader where its opinion can matter (see `SecondReading`).
struct PageReading {
    let reader: BoxReader
    let template: LoadedTemplate
    var policy: SecondReading

    /// A classifier reading at least this sure stays the combined reading's first candidate
    /// whatever Tesseract says, and above the reconciler's lock (the combination can lower it
    /// to about 0.978 at worst, with Tesseract sure of another symbol).
    static let sureFirstReading = 0.995

    /// The fields and rules, and the milliseconds spent reconciling (the rest is reading).
    func run(crops: [String: [BoxCrop?]]) -> (fields: [String: FieldResult], rules: [RuleResult], reconcileMilliseconds: Double) {
        var boxes: [String: [BoxResult]] = [:]
        // Boxes read by the classifier alone so far: field → box index → (crop, reading).
        var pending: [String: [Int: (BoxCrop, BoxReading)]] = [:]
        for f in template.template.fields {
            boxes[f.id] = (crops[f.id] ?? []).enumerated().map { i, crop in
                guard let crop else {
                    return BoxResult(position: i, symbol: nil, candidates: [], source: "outside-image", ink: 0, readers: [])
                }
                let first = reader.firstReading(crop)
                if policy == .whereNeeded, let first, (first.best?.probability ?? 0) >= Self.sureFirstReading,
                   BoxReader.leavesAlone(crop, first: first) {
                    pending[f.id, default: [:]][i] = (crop, first)
                    return Self.result(i, crop, first, readers: [first])
                }
                let (combined, readers) = reader.read(crop, first: first)
                return Self.result(i, crop, combined, readers: readers)
            }
        }
        let reconciler = Reconciler(template: template)
        let clock = ContinuousClock()
        var reconciling = Duration.zero
        while true {
            let start = clock.now
            let (fields, rules, weighedEveryBox) = reconciler.check(boxes: boxes)
            reconciling += clock.now - start
            // When no single number could be set aside, the reconciler looks for two among the
            // least sure fields, so every probability counts: read every box twice.
            let values = fields.mapValues(\.value)
            let needing = weighedEveryBox ? Array(pending.keys) : pending.keys.filter { !settled($0, fields: fields, values: values) }
            if needing.isEmpty {
                let ms = Double(reconciling.components.seconds) * 1000 + Double(reconciling.components.attoseconds) / 1e15
                return (fields, rules, ms)
            }
            for id in needing {
                for (i, (crop, first)) in pending[id] ?? [:] {
                    let (combined, readers) = reader.read(crop, first: first)
                    boxes[id]?[i] = Self.result(i, crop, combined, readers: readers)
                }
                pending[id] = nil
            }
        }
    }

    /// Whether a field read by the classifier alone can stay so: verified, confirmed by a sum
    /// on its own (not only by a copy, which counts only when both readers are sure), and every
    /// other number of its rules verified (a field in review may yet be confirmed through a
    /// copy of this one, which needs this one read twice).
    func settled(_ id: String, fields: [String: FieldResult], values: [String: Int?]) -> Bool {
        guard fields[id]?.status == .verified else { return false }
        let covering = template.rules.filter { !$0.soft && $0.fieldIDs.contains(id) }
        let absent: (String) -> Bool = { f in values[f] == .some(0) && Reconciler.zeroByAbsence(fields[f]?.boxes ?? []) }
        guard covering.contains(where: { Reconciler.confirms($0, field: id, values: values, zeroByAbsence: absent) }) else { return false }
        return covering.allSatisfy { $0.fieldIDs.allSatisfy { fields[$0]?.status == .verified } }
    }

    static func result(_ position: Int, _ crop: BoxCrop, _ reading: BoxReading, readers: [BoxReading]) -> BoxResult {
        BoxResult(position: position, symbol: reading.best?.symbol, candidates: Array(reading.candidates.filter { $0.probability >= 0.001 }),
                  source: reading.source, ink: (crop.inkFraction * 1000).rounded() / 1000,
                  readers: readers.map { ReaderVote(source: $0.source, symbol: $0.best?.symbol, probability: $0.best?.probability ?? 0) })
    }
}
