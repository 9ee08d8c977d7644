import DigitReader
import Foundation
import Testing
@testable import FormScan

@Suite("Words: Indonesian number words")
struct NumberWordsTests {
    @Test func spellsTheFormsWay() {
        let cases: [Int: String] = [
            0: "nol", 1: "satu", 8: "delapan", 10: "sepuluh", 11: "sebelas", 12: "dua belas",
            19: "sembilan belas", 20: "dua puluh", 22: "dua puluh dua", 100: "seratus", 101: "seratus satu",
            110: "seratus sepuluh", 111: "seratus sebelas", 115: "seratus lima belas",
            177: "seratus tujuh puluh tujuh", 200: "dua ratus", 305: "tiga ratus lima", 999: "sembilan ratus sembilan puluh sembilan",
        ]
        for (n, w) in cases { #expect(NumberWords.words(n) == w, "\(n)") }
        #expect(NumberWords.words(1000) == nil)
        #expect(NumberWords.words(-1) == nil)
    }

    @Test("every number 0–999 reads back from each of its spellings")
    func roundTrip() {
        for n in 0...999 {
            for s in NumberWords.spellings(n) { #expect(NumberWords.parse(s) == n, "\(s)") }
            #expect(NumberWords.parse(NumberWords.words(n)!.uppercased()) == n)
        }
    }

    @Test func readsHowOfficersWrite() {
        #expect(NumberWords.parse("SERATUS TUJUH PULUH TUJUH") == 177)
        #expect(NumberWords.parse("  enam   belas. ") == 16)
        #expect(NumberWords.parse("Se ratus lima") == 105)
        #expect(NumberWords.parse("satu ratus dua puluh") == 120)
        #expect(NumberWords.parse("-") == 0)
        #expect(NumberWords.parse("Nihil") == 0)
        #expect(NumberWords.parse("kosong") == 0)
        #expect(NumberWords.spellings(0).contains("nihil"))
    }

    @Test func refusesWhatIsNoNumber() {
        for t in ["", "dua dua", "puluh", "belas lima", "seratus seratus", "tiga ratus ratus", "sepuluh satu", "nol satu", "dua puluh sepuluh"] {
            #expect(NumberWords.parse(t) == nil, "\(t)")
        }
    }
}

@Suite("Words: scoring the line against the numbers' words")
struct WordsScorerTests {
    let scorer = WordsScorer()

    @Test func exactWordsNameTheirNumber() {
        let r = scorer.score("Seratus tujuh puluh empat")
        #expect(r.value == 174)
        #expect(r.probability > 0.85)
        #expect(scorer.score("seratustujuhpuluhempat").value == 174)
        #expect(scorer.score("SERATUS TUJUH PULUH TUJUH").value == 177)
    }

    @Test("a misread line names the number it is closest to, or none; never a rival")
    func noisyLine() {
        // Tesseract's readings of kubu-02 and pantemeutia-01 Lembar 2.
        #expect(scorer.score("Serarug Tiga Puluh Tuguh").value == 137)
        #expect(scorer.score("Seratur delapan knilul dua").value == 182)
        for (text, truth) in [("Semius fmet puluk Dua", 142), ("Sereaus Empat Puluh Delapen", 148), ("Gua Patuh dua", 22)] {
            let v = scorer.score(text).value
            #expect(v == nil || v == truth, "\(text): \(v.map(String.init) ?? "nil")")
        }
    }

    @Test("the words are read on their own: the nearest of the boxes' numbers is not enough")
    func independentOfTheBoxes() {
        // gen11-0001: digits 186 redrawn beside the base page's "Seratus delapan puluh dua".
        let r = scorer.score("Seratur delapan kuluh dia")
        #expect(r.value != 186)
    }

    @Test("words that fit no number clearly give no value")
    func undecided() {
        #expect(scorer.score("Geahy Eye putuly Cpe").value == nil)
        #expect(scorer.score("seratus puluh").value == nil)
    }

    @Test("nothing read gives no value and probability 0")
    func empty() {
        #expect(scorer.score("") == WordsReading(text: "", value: nil, probability: 0))
        #expect(scorer.score(" . ").value == nil)
    }

    @Test("zero as officers write it")
    func zero() {
        #expect(scorer.score("nihil").value == 0)
        #expect(scorer.score("Kosong").value == 0)
        // A lone dash is one mark: it favours zero but is too little to name it.
        let dash = scorer.score("-")
        #expect(dash.value == nil && dash.probability > 0.5)
    }

    @Test("the boxes' candidates: combinations of each box's likely symbols, the form's way")
    func candidatesFromBoxes() {
        func box(_ i: Int, _ c: [(BoxSymbol, Double)]) -> BoxResult {
            BoxResult(position: i, symbol: c.first?.0, candidates: c.map { Candidate(symbol: $0.0, probability: $0.1) }, source: "combined", ink: 0.1, readers: [])
        }
        let f = FieldResult(id: "x", label: "x", value: 17, status: .review, reasons: [], firstReading: nil,
                            boxes: [box(0, [(.cross, 0.9), (.digit(1), 0.1)]), box(1, [(.digit(1), 0.95)]), box(2, [(.digit(7), 0.6), (.digit(1), 0.3), (.digit(9), 0.01)])])
        #expect(Set(WordsReader.candidates(f)) == [17, 11, 117, 111])
    }
}

@Suite("Words: the sample Lembar 2 pages")
struct WordsPageTests {
    static let lembar2 = Fixtures.kpuPages.filter { $0.contains("lembar2") }

    /// Every Lembar 2 field's words line is read, and the words' number, where there is one, is
    /// the truth: measured on the ten pages (docs/measurements.md, issue 25) with `ind`, 15
    /// of 50 lines named the truth, 35 no number, none another number (read on their own,
    /// against every number 0–999); asserted with some room.
    @Test func wordsAgreeWithTheTruth() throws {
        let scanner = try Fixtures.scanner()
        try #require(scanner.wordsReader != nil, "no Tesseract text model (tesseract-ocr-ind or -eng) installed")
        var right = 0, wrong = 0, lines = 0
        for page in Self.lembar2 {
            let truth = try Fixtures.truth(page)
            let result = try scanner.scan(path: Fixtures.kpu(page), templateID: truth.template)
            for (id, expected) in truth.fields {
                let words = try #require(result.fields[id]?.words, "\(page) \(id): no words reading")
                lines += 1
                if let v = words.value { if v == expected { right += 1 } else { wrong += 1 } }
            }
        }
        #expect(lines == 50)
        #expect(right >= 12, "words named the truth on \(right) of \(lines) lines")
        #expect(wrong == 0, "words named another number on \(wrong) lines")
    }

    /// On the sample pages every Lembar 2 number is verified by its sums: the words that name
    /// a number agree and say so ("terbilang: …"), and change no value or status.
    @Test("words that agree are said and change nothing", arguments: ["kubu-02-lembar2.jpg"])
    func agreeingWordsAreSaid(page: String) throws {
        let with = try Fixtures.scanner()
        let without = try Fixtures.scanner()
        without.wordsReader = nil
        let a = try with.scan(path: Fixtures.kpu(page), templateID: "c1-ppwp-2019-lembar2")
        let b = try without.scan(path: Fixtures.kpu(page), templateID: "c1-ppwp-2019-lembar2")
        #expect(a.status == b.status)
        var agreeing = 0
        for (id, f) in a.fields {
            let g = try #require(b.fields[id])
            #expect(f.value == g.value && f.status == g.status && f.firstReading == g.firstReading, "\(id)")
            if let w = f.words?.value, w == f.value {
                agreeing += 1
                #expect(f.reasons == g.reasons + [WordsEvidence.agrees(w)], "\(id): \(f.reasons)")
            } else {
                #expect(f.reasons == g.reasons, "\(id)")
            }
        }
        #expect(agreeing >= 3, "words agreeing on \(agreeing) of 5 numbers")
        #expect(a.rules.map(\.outcome) == b.rules.map(\.outcome))

        // A wrong figure beside the right words (a slip, or tampering): to a person, with both.
        var fields = a.fields
        let id = try #require(fields.first { $0.value.words?.value != nil && $0.value.value == $0.value.words?.value }?.key)
        let words = try #require(fields[id]?.words)
        fields[id]?.value = words.value! + 1
        fields[id]?.reasons = []
        var rules = a.rules
        WordsEvidence.apply(to: &fields, rules: &rules, template: try Fixtures.store.template("c1-ppwp-2019-lembar2"))
        #expect(fields[id]?.status == .review)
        #expect(fields[id]?.reasons.last == WordsEvidence.disagrees(words.value!, boxes: words.value! + 1, text: words.text))
    }
}

@Suite("Words as evidence in the checks")
struct WordsEvidenceTests {
    func field(_ id: String, _ value: Int?, _ status: FieldStatus, reasons: [String] = [], words: Int?,
                      boxes: [[(BoxSymbol, Double)]]) -> FieldResult {
        let bs = boxes.enumerated().map { i, c in
            BoxResult(position: i, symbol: c.first?.0, candidates: c.map { Candidate(symbol: $0.0, probability: $0.1) }, source: "combined", ink: 0.1, readers: [])
        }
        var f = FieldResult(id: id, label: id, value: value, status: status, reasons: reasons, firstReading: nil, boxes: bs)
        f.words = words.map { WordsReading(text: NumberWords.words($0)!.uppercased(), value: $0, probability: 0.95) }
            ?? WordsReading(text: "", value: nil, probability: 0)
        return f
    }

    /// Lembar 2: V.A = IV.01 + IV.02, V.C = V.A + V.B.
    @Test func unsureDigitsAreConfirmedCorrectedOrSentOn() throws {
        let template = try Fixtures.store.template("c1-ppwp-2019-lembar2")
        let sure: (Int) -> [[(BoxSymbol, Double)]] = { n in
            Array(String(format: "%03d", n)).map { (c: Character) -> [(BoxSymbol, Double)] in [(c == "0" ? BoxSymbol.cross : BoxSymbol.digit(c.wholeNumberValue!), 1.0)] }
        }
        func page(paslon01: FieldResult) -> [String: FieldResult] {
            ["suara_paslon_01": paslon01,
             "suara_paslon_02": field("suara_paslon_02", 124, .verified, words: nil, boxes: sure(124)),
             "suara_sah": field("suara_sah", 135, .verified, words: nil, boxes: sure(135)),
             "suara_tidak_sah": field("suara_tidak_sah", 1, .verified, words: nil, boxes: sure(1)),
             "suara_total": field("suara_total", 136, .verified, words: nil, boxes: sure(136))]
        }
        let unsure: [[(BoxSymbol, Double)]] = [[(.cross, 1)], [(.digit(1), 1)], [(.digit(7), 0.55), (.digit(1), 0.4)]]
        // Set aside: 17 read, the others imply 11; the words say sebelas: corrected.
        var fields = page(paslon01: field("suara_paslon_01", 17, .review, reasons: [
            "no reading of this number agrees with the rest of the page", "the other numbers imply 11 (V.A)"], words: 11, boxes: unsure))
        fields["suara_paslon_01"]?.setAside = true
        var rules: [RuleResult] = []
        WordsEvidence.apply(to: &fields, rules: &rules, template: template)
        var f = try #require(fields["suara_paslon_01"])
        #expect(f.value == 11 && f.status == .corrected && f.firstReading == 17, "\(f.reasons)")
        #expect(f.reasons.last?.hasPrefix("terbilang: sebelas") == true)
        // The same, the words naming 17 (what the boxes say): it stays with a person.
        fields = page(paslon01: field("suara_paslon_01", 17, .review, reasons: ["no reading of this number agrees with the rest of the page"], words: 17, boxes: unsure))
        fields["suara_paslon_01"]?.setAside = true
        WordsEvidence.apply(to: &fields, rules: &rules, template: template)
        #expect(fields["suara_paslon_01"]?.status == .review && fields["suara_paslon_01"]?.value == 17)
        // Words naming 12, which no rule accepts: to a person, showing both.
        fields = page(paslon01: field("suara_paslon_01", 17, .review, reasons: ["no reading of this number agrees with the rest of the page"], words: 12, boxes: unsure))
        fields["suara_paslon_01"]?.setAside = true
        WordsEvidence.apply(to: &fields, rules: &rules, template: template)
        f = try #require(fields["suara_paslon_01"])
        #expect(f.status == .review && f.value == 17 && f.reasons.last == WordsEvidence.disagrees(12, boxes: 17, text: "DUA BELAS"))
        // An unsure box the rules accept, the words agreeing: verified on the words.
        let box = "box 3 is unsure (1 55%, 7 40%): the rules would accept 11, a person should confirm it"
        let split: [[(BoxSymbol, Double)]] = [[(.cross, 1)], [(.digit(1), 1)], [(.digit(1), 0.55), (.digit(7), 0.4)]]
        fields = page(paslon01: field("suara_paslon_01", 11, .review, reasons: [box], words: 11, boxes: split))
        WordsEvidence.apply(to: &fields, rules: &rules, template: template)
        #expect(fields["suara_paslon_01"]?.status == .verified && fields["suara_paslon_01"]?.reasons == [WordsEvidence.agrees(11)])
        // An unreadable line counts for nothing.
        fields = page(paslon01: field("suara_paslon_01", 11, .review, reasons: [box], words: nil, boxes: split))
        WordsEvidence.apply(to: &fields, rules: &rules, template: template)
        #expect(fields["suara_paslon_01"]?.status == .review && fields["suara_paslon_01"]?.reasons == [box])
    }
}
