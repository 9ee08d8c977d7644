import DigitReader
import Foundation
import Testing
@testable import FormScan

/// Tesseract reads only where its opinion can matter; the page comes out the same.
@Suite("Second reading where needed")
struct SecondReadingTests {
    @Test("values and statuses are those of reading every box twice",
          arguments: [("kpu-2019/aluebatee-01-lembar1.jpg", true), ("kpu-2019/aluebatee-01-lembar2.jpg", true),
                      ("kpu-2019/karanghampa-01-lembar2.png", true),
                      // a faint 1 in a box: read, weighed against blank, confirmed by the sums
                      ("kpu-2019/simpangpeut-02-lembar2.jpg", true),
                      // misread boxes: one number is set aside, the rest read once where sure
                      ("kpu-2019/ujongsimpang-02-lembar1.jpg", true), ("kpu-2019/kubu-02-lembar1.jpg", true),
                      // a deliberate error in one of two numbers only their one sum holds: both to
                      // a person, the rest read once where sure and verified
                      ("generated/gen11-0000-lembar2.jpg", true)])
    func sameOutcome(page: String, spares: Bool) throws {
        let path = Fixtures.samples.appendingPathComponent(page).path
        let truth = try TruthFile.load(TruthFile.path(forImage: path))
        let scanner = try Fixtures.scanner()
        scanner.secondReading = .always
        let twice = try scanner.scan(path: path, templateID: truth.template)
        scanner.secondReading = .whereNeeded
        let lazy = try scanner.scan(path: path, templateID: truth.template)
        #expect(lazy.status == twice.status)
        for (id, f) in twice.fields {
            let g = try #require(lazy.fields[id])
            #expect(g.value == f.value && g.status == f.status, "\(id): \(String(describing: g.value)) \(g.status) read where needed, \(String(describing: f.value)) \(f.status) read twice")
        }
        #expect(lazy.rules.map(\.outcome) == twice.rules.map(\.outcome))
        // Every box read once was read surely by the classifier, in a verified number.
        var once = 0
        for f in lazy.fields.values {
            for b in f.boxes where b.source == "classifier" {
                once += 1
                #expect(f.status == .verified)
                #expect((b.candidates.first?.probability ?? 0) >= PageReading.sureFirstReading)
            }
            // Numbers a person must look at carry both readers' votes for every inked box.
            if f.status != .verified {
                #expect(f.boxes.allSatisfy { $0.source != "classifier" })
            }
        }
        #expect(twice.fields.values.allSatisfy { $0.boxes.allSatisfy { $0.source != "classifier" } })
        // Boxes are spared unless pairs of numbers had to be weighed: the point of it.
        #expect(spares ? once > 0 : once == 0)
    }
}
