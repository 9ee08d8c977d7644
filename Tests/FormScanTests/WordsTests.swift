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

    /// Report-only: with the words read or not, every field's value, status and reasons are
    /// the same.
    @Test("reading the words changes no field", arguments: ["aluebatee-01-lembar2.jpg", "kubu-02-lembar2.jpg", "pantemeutia-01-lembar2.jpg"])
    func changesNothing(page: String) throws {
        let with = try Fixtures.scanner()
        let without = try Fixtures.scanner()
        without.wordsReader = nil
        let a = try with.scan(path: Fixtures.kpu(page), templateID: "c1-ppwp-2019-lembar2")
        let b = try without.scan(path: Fixtures.kpu(page), templateID: "c1-ppwp-2019-lembar2")
        #expect(a.status == b.status)
        for (id, f) in a.fields {
            let g = try #require(b.fields[id])
            #expect(f.words != nil && g.words == nil)
            #expect(f.value == g.value && f.status == g.status && f.reasons == g.reasons && f.firstReading == g.firstReading, "\(id)")
        }
        #expect(a.rules.map(\.outcome) == b.rules.map(\.outcome))
    }
}
