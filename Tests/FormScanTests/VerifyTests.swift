import DigitReader
import Foundation
import Testing
@testable import FormScan

@Suite("Verify one station: verdict, recap, corrections, pictures", .serialized)
struct VerifyTests {
    static let scanned: [String: (result: PageResult, page: GrayImage)] = {
        let scanner = try! Fixtures.scanner()
        var out: [String: (PageResult, GrayImage)] = [:]
        for name in ["aluebatee-01-lembar1.jpg", "aluebatee-01-lembar2.jpg", "kubu-02-lembar1.jpg", "kubu-02-lembar2.jpg"] {
            out[name] = try! scanner.scanKeepingPage(path: Fixtures.kpu(name))
        }
        return out
    }()

    static func truth(_ names: [String]) throws -> [String: Int] {
        var values: [String: Int] = [:]
        for n in names { values.merge(try Fixtures.truth(n).fields) { a, _ in a } }
        return values
    }

    @Test func recapThatMatchesTheTruthMatchesAndAWrongOneComesFirst() throws {
        let names = ["aluebatee-01-lembar1.jpg", "aluebatee-01-lembar2.jpg"]
        let pages = names.map { Self.scanned[$0]!.result }
        let verifier = StationVerifier(store: Fixtures.store)
        let truth = try Self.truth(names)
        let right = try verifier.verify(pages, expectation: Expectation(values: truth))
        // Every field the photo confirms equals the recap; nothing else is reported as differing.
        #expect(right.mismatches.allSatisfy { $0.read == nil })
        #expect(right.missingPages.isEmpty)
        if right.fieldsNeedingLook.isEmpty { #expect(right.verdict == .consistent) }

        var wrong = truth
        wrong["suara_total"]! += 1
        let v = try verifier.verify(pages, expectation: Expectation(values: wrong))
        let m = try #require(v.mismatches.first { $0.field.hasSuffix(".suara_total") })
        #expect(m.expected == truth["suara_total"]! + 1)
        #expect(v.verdict == .needsLook)
    }

    @Test func expectationFilesInBothFormats() throws {
        let dir = Fixtures.scratch("expect")
        let plain = dir.appendingPathComponent("recap.csv").path
        try "field,value\nsuara_total,148\nsuara_sah,140\n".write(toFile: plain, atomically: true, encoding: .utf8)
        #expect(try Expectation.file(plain).values == ["suara_total": 148, "suara_sah": 140])
        let export = dir.appendingPathComponent("export.csv").path
        try "\u{FEFF}station,status,pages,templates,suara_total,suara_total_status,failed_rules\r\nx/kubu-02,verified,a | b,t1 | t2,148,verified,\r\n"
            .write(toFile: export, atomically: true, encoding: .utf8)
        #expect(try Expectation.file(export, station: "kubu-02").values == ["suara_total": 148])
        let bad = dir.appendingPathComponent("bad.csv").path
        try "field,value\nsuara_total;148\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: Expectation.ParseError.self) { try Expectation.file(bad) }
    }

    /// Issue 27: an expectation that compares nothing is an error, never "all consistent".
    @Test func anExpectationThatComparesNothingIsRefused() throws {
        let dir = Fixtures.scratch("expect-nothing")
        func file(_ name: String, _ text: String) throws -> String {
            let p = dir.appendingPathComponent(name).path
            try text.write(toFile: p, atomically: true, encoding: .utf8)
            return p
        }
        let pages = ["aluebatee-01-lembar1.jpg", "aluebatee-01-lembar2.jpg"].map { Self.scanned[$0]!.result }
        // Empty, header only, header without fields.
        #expect(throws: Expectation.ParseError.self) { try Expectation.file(try file("empty.csv", "")) }
        #expect(throws: Expectation.ParseError.self) { try Expectation.file(try file("header.csv", "field,value\n")) }
        #expect(throws: Expectation.ParseError.self) { try Expectation.file(try file("nofields.csv", "station,status,pages,templates,failed_rules\nx/a,verified,p,t,\n")) }
        // Out of range as in field=value.
        #expect(throws: Expectation.ParseError.self) { try Expectation.file(try file("neg.csv", "suara_sah,-5\n")) }
        #expect(throws: Expectation.ParseError.self) { try Expectation.file(try file("big.csv", "suara_sah,1234\n")) }
        #expect(throws: Expectation.ParseError.self) { try Expectation.pair("suara_sah=-5") }
        // Unknown and upper-case names: an error naming them and listing the pages' fields.
        for name in ["suara_sahh", "SUARA_SAH"] {
            #expect {
                try Expectation(values: [name: 135]).checked(against: pages)
            } throws: { error in
                let text = "\(error)"
                return text.contains(name) && text.contains("suara_total") && text.contains("pengguna_total_j")
            }
        }
        #expect("\(Expectation.ParseError.unknownFields(["SUARA_SAH"], known: ["suara_sah"]))".contains("SUARA_SAH → suara_sah"))
        // A known name passes through.
        #expect(try Expectation(values: ["suara_total": 1]).checked(against: pages).values == ["suara_total": 1])
        // An export with several stations and none of this one: an error naming the rows.
        let export = try file("export.csv", "\u{FEFF}station,status,pages,templates,suara_total,suara_total_status,failed_rules\r\n"
            + "x/kubu-02,verified,a,t,148,verified,\r\nx/cotbuloh-02,verified,b,t,150,verified,\r\n")
        #expect {
            try Expectation.file(export, station: "aluebatee-01")
        } throws: { error in "\(error)".contains("x/kubu-02") && "\(error)".contains("x/cotbuloh-02") }
        #expect(try Expectation.file(export, station: "cotbuloh-02").values == ["suara_total": 150])
        // An export row's columns of other pages are not compared, and not an error.
        let row = try Expectation.file(export, station: "kubu-02")
        #expect(try row.checked(against: [pages[1]]).values == ["suara_total": 148])
        // Semicolons, as a spreadsheet in Indonesian saves CSV.
        #expect(try Expectation.file(try file("semi.csv", "field;value\nsuara_total;148\nsuara_sah;140\n")).values == ["suara_total": 148, "suara_sah": 140])
        // Size limit, and a bad line quoted only in part.
        let huge = try file("huge.csv", String(repeating: "x", count: Expectation.maxFileBytes + 1))
        #expect(throws: Expectation.ParseError.tooLarge(huge, bytes: Expectation.maxFileBytes + 1)) { try Expectation.file(huge) }
        let long = try file("long.csv", "suara_total,1\n" + String(repeating: "y", count: 5000) + "\n")
        #expect {
            try Expectation.file(long)
        } throws: { error in "\(error)".count < 200 }
    }

    @Test func aMissingPageIsTheVerdict() throws {
        let v = try StationVerifier(store: Fixtures.store).verify([Self.scanned["kubu-02-lembar1.jpg"]!.result])
        #expect(v.verdict == .pagesMissing)
        #expect(v.missingPages == ["c1-ppwp-2019-lembar2"])
    }

    @Test func aCorrectionIsCheckedByTheRules() throws {
        let pages = ["kubu-02-lembar1.jpg", "kubu-02-lembar2.jpg"].map { Self.scanned[$0]!.result }
        let truth = try Fixtures.truth("kubu-02-lembar1.jpg").fields["pengguna_total_l"]!
        let machine = try #require(pages[0].fields["pengguna_total_l"])
        let verifier = StationVerifier(store: Fixtures.store)
        if machine.status == .review {
            // The true number completes the rules: the field is verified, the machine's reading kept.
            let v = try verifier.verify(pages, corrections: [Correction(field: "pengguna_total_l", value: truth)])
            let f = try #require(v.pages[0].fields["pengguna_total_l"])
            #expect(f.status == .verified)
            #expect(f.value == truth)
            #expect(f.firstReading == machine.value)
            #expect(v.corrections.first?.originalStatus == .review)
            #expect(v.corrections.first?.status == .verified)
        }
        // A wrong number set by a person breaks the rules it is in: never verified.
        let v = try verifier.verify(pages, corrections: [Correction(field: "pengguna_total_l", value: truth + 2)])
        #expect(v.pages[0].fields["pengguna_total_l"]?.status == .review)
        #expect(throws: VerifyError.self) { try verifier.verify(pages, corrections: [Correction(field: "no_such_field", value: 1)]) }
    }

    @Test func annotatedPageOutlinesEveryBoxInItsStatusColour() throws {
        let (result, page) = Self.scanned["kubu-02-lembar1.jpg"]!
        let template = try Fixtures.store.template(result.template)
        let upright = Annotator.upright(page, transform: result.registration.transform, template: template.template)
        #expect(upright.width == Int(template.template.width.rounded()))
        let picture = Annotator().page(result, upright: upright, template: template)
        for f in template.template.fields {
            let want = Annotator.color(result.fields[f.id]!.status)
            for box in f.boxes {
                // The outline's left edge, half-way down the box.
                let x = Int(box[0].rounded()), y = Int((box[1] + box[3] / 2).rounded())
                let got = picture.pixel(x, y)
                #expect(got == want, "\(f.id) at (\(x), \(y)): \(got)")
            }
        }
        // The picture written to disk decodes to the same size.
        let out = Fixtures.scratch("annotate").appendingPathComponent("page.png").path
        try ImageWriter.write(picture, to: out)
        let back = try ImageLoader().load(out)
        #expect(back.image.width == picture.width && back.image.height == picture.height)
        // Fields that need a look get a sheet of their crops.
        let needing = result.orderedFields.contains { $0.status > .corrected }
        #expect((Annotator().reviewSheet([(result, upright, template)]) != nil) == needing)
    }
}
