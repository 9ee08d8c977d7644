import DigitReader
import Foundation

/// The number written in words ("terbilang") as evidence in the checks, after the rules and
/// the bubbles have had their say.
///
/// Only a words reading the lexicon scorer names a number for counts (`WordsReading.value`:
/// the best number's weight is at least `WordsScorer.decisive` of all the weights, every other
/// number 0–999 and "none of them" included, so at 0.8 it outweighs all of them together four
/// times: a margin the scorer's own model defines, not a cut-off fitted to the samples). An
/// unreadable or blank line counts for nothing, never against.
///
/// - Digits and words agreeing confirm the number on their own: the doubts that are about the
///   reading of the digits (an unsure box, no sum confirming it, a rule holding only through
///   numbers changed to fit, no rule covering it, two readings too close to call) are lifted.
///   Doubts about the form itself (a rule that fails, the bubbles disagreeing, a bound) stay.
/// - Digits unsure and the words naming another of its candidates (the boxes' likelier
///   readings, the value the rules imply, the bubbles): corrected to it, when every hard rule
///   of the page the number is in then holds with numbers that stand (verified or corrected,
///   none set aside), and a sum of the form confirms it: never on the words alone.
/// - Otherwise digits and words disagreeing send the number to a person with both.
///
/// A confirmation here never backs another number: it is applied after the rules have chosen
/// which numbers confirm which, and changes only the number it is about.
enum WordsEvidence {
    /// How a reason the words add begins (and how to recognise one).
    static let prefix = "terbilang: "

    /// The words agree with the boxes.
    static func agrees(_ n: Int) -> String {
        "\(prefix)\(NumberWords.words(n) ?? String(n)) (the words say \(n), as the boxes)"
    }

    /// The words corrected the boxes' reading.
    static func corrects(_ n: Int, read: Int?, text: String) -> String {
        "\(prefix)\(NumberWords.words(n) ?? String(n)) (read \"\(text)\"): the words say \(n), the boxes were read \(read.map(String.init) ?? "nothing"); corrected to \(n), which the rules accept"
    }

    /// The words disagree with the boxes.
    static func disagrees(_ n: Int, boxes: Int?, text: String) -> String {
        "\(prefix)\"\(text)\" says \(n), the boxes \(boxes.map(String.init) ?? "nothing"): a person should compare them"
    }

    /// Doubts about the reading of the digits, which digits and words agreeing settle.
    static func aboutTheDigits(_ r: String) -> Bool {
        (r.hasPrefix("box ") && r.contains(" is unsure (")) || r == Reconciler.unconfirmed || r.contains(Reconciler.leaning)
            || r == "no rule of the form covers this number" || r == Reconciler.emptyUnits
            || r.hasPrefix("two readings satisfy the rules almost equally: ")
    }

    /// Reasons that say what happened and doubt nothing.
    static func informative(_ r: String) -> Bool {
        r.hasPrefix("first read as ") || (r.hasPrefix("the bubbles say ") && r.hasSuffix(" too")) || r.hasPrefix(prefix)
    }

    /// Doubts a correction by the words answers, when the rules then hold: the number set aside
    /// as the one misread, the rules it broke.
    static func answeredByCorrection(_ r: String) -> Bool {
        r == "no reading of this number agrees with the rest of the page" || r.hasPrefix("the other numbers imply ")
            || (r.hasPrefix("rule ") && r.contains(" fails: "))
    }

    /// Weighs every field's words reading (already in `fields[id].words`) and updates the
    /// values, statuses, reasons and the page's rules.
    static func apply(to fields: inout [String: FieldResult], rules: inout [RuleResult], template: LoadedTemplate) {
        let hard = template.rules.filter { !$0.soft }
        for id in template.template.fields.map(\.id) {
            guard var f = fields[id], let words = f.words, let w = words.value, !f.isSetByPerson,
                  !f.reasons.contains(where: { $0.hasPrefix(prefix) }) else { continue }
            if f.value == w {
                let doubts = f.reasons.filter { !aboutTheDigits($0) && !informative($0) }
                if f.status == .review && doubts.isEmpty && f.setAside != true {
                    f.status = f.firstReading.map { $0 != w } == true ? .corrected : .verified
                    f.reasons = f.reasons.filter(informative)
                }
                f.reasons.append(agrees(w))
                fields[id] = f
                continue
            }
            // Another number than the boxes': a correction, when the digits are unsure and the
            // words name one of the number's candidates that the rules accept.
            if f.status == .review, let fixed = correction(f, to: w, fields: fields, hard: hard) {
                fields[id] = fixed
                continue
            }
            f.status = max(f.status, .review)
            f.reasons.append(disagrees(w, boxes: f.value, text: words.text))
            fields[id] = f
        }
        // The rules as the numbers now stand.
        let values = fields.compactMapValues { $0.setAside == true ? nil : $0.value }
        for (i, rule) in template.rules.enumerated() where i < rules.count {
            guard rules[i].outcome != .pass, let e = rule.evaluate({ values[$0] }), e.holds else { continue }
            rules[i].outcome = .pass
            rules[i].numbers = rule.rendered({ values[$0] })
        }
    }

    /// The field corrected to `w`, or nil when the words cannot correct it: `w` is not one of
    /// its candidates, a doubt remains that a correction does not answer, or a hard rule it is
    /// in would not then hold with numbers that stand.
    static func correction(_ f: FieldResult, to w: Int, fields: [String: FieldResult], hard: [Rule]) -> FieldResult? {
        guard f.value != nil, !f.boxes.isEmpty, w <= Reconciler.largestValue(boxes: f.boxes.count) else { return nil }
        if let b = f.bubbles?.value, b != w { return nil }
        let mine = hard.filter { $0.fieldIDs.contains(f.id) }
        guard f.reasons.allSatisfy({ aboutTheDigits($0) || informative($0) || (!mine.isEmpty && answeredByCorrection($0)) }) else { return nil }
        // The candidates: the boxes' likelier readings and the bubbles, and the values the
        // rules imply from the other numbers.
        var values: [String: Int?] = fields.mapValues { $0.setAside == true ? nil : $0.value }
        var candidates = Set(WordsReader.candidates(f))
        for rule in mine where rule.relation == .equal {
            if let v = Reconciler.implied(f.id, by: rule, values: values) { candidates.insert(v) }
        }
        guard candidates.contains(w) else { return nil }
        values[f.id] = w
        // Never on the words alone: a sum of the form (not a copy, not a bound) must confirm
        // the words' number (a fuzzed station had a right 13, no rule on its page, "corrected"
        // to the 83 wrong words named from the boxes' third reading).
        guard mine.contains(where: { Reconciler.confirms($0, field: f.id, values: values) }) else { return nil }
        for rule in mine {
            let others = rule.fieldIDs.filter { $0 != f.id }
            guard others.allSatisfy({ g in fields[g].map { $0.status <= .corrected && $0.setAside != true && $0.value != nil } ?? false }),
                  rule.evaluate({ values[$0] ?? nil })?.holds == true else { return nil }
        }
        var out = f
        let read = f.firstReading ?? f.value
        out.value = w
        out.firstReading = read
        out.status = .corrected
        out.setAside = nil
        out.reasons = f.reasons.filter { $0.hasPrefix("the bubbles say ") && $0.hasSuffix(" too") }
        if f.bubbles?.value == w { out.reasons.append("the bubbles say \(w) too") }
        out.reasons.append(corrects(w, read: read, text: f.words?.text ?? ""))
        return out
    }
}
