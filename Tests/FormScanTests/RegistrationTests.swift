import DigitReader
import Foundation
import Testing
@testable import FormScan

@Suite("Registration and box geometry on the real 2019 scans")
struct RegistrationTests {
    @Test("registers onto its template and every box lands on its printed frame", arguments: Fixtures.kpuPages)
    func boxesLandOnPrintedFrames(page: String) throws {
        let truth = try Fixtures.truth(page)
        let template = try Fixtures.store.template(truth.template)
        let image = try ImageLoader().load(Fixtures.kpu(page)).image
        let (registration, upright) = Registrar(template: template.template).register(image)
        #expect(registration.isUsable, "coverage \(registration.coverage), residual \(registration.residual)")
        #expect(registration.residual < 1.0)
        #expect(registration.quarterTurns == 0)
        let cleaner = BoxCleaner()
        let m = Int(cleaner.margin.rounded())
        var boxes = 0, linesFound = 0
        for field in template.template.fields {
            for (i, b) in field.boxes.enumerated() {
                let warped = cleaner.warp(upright, box: Rect(b), transform: registration.transform)
                let frame = cleaner.findFrame(warped)
                // A page cut close at an edge leaves some boxes partly outside the image.
                guard cleaner.isInside(upright, box: Rect(b), transform: registration.transform) else { continue }
                boxes += 1
                linesFound += frame.found
                // Every printed line found around the box is where the template puts it (±4 px of
                // a 50 px box); faded or cut scans lose some lines, so only most must be found.
                let expected: [(Int?, Int, String)] = [
                    (frame.top, m, "top"), (frame.bottom, warped.height - 1 - m, "bottom"),
                    (frame.left, m, "left"), (frame.right, warped.width - 1 - m, "right"),
                ]
                for (found, nominal, side) in expected {
                    if let found { #expect(abs(found - nominal) <= 4, "\(field.id) box \(i + 1): \(side) line at \(found), expected \(nominal)") }
                }
            }
        }
        #expect(boxes >= template.template.fields.count * 3 - 9)
        #expect(Double(linesFound) >= 0.65 * Double(4 * boxes), "\(linesFound) of \(4 * boxes) printed box lines found")
    }

    @Test("every quarter turn of a scan registers back upright", arguments: [1, 2, 3])
    func quarterTurns(turns: Int) throws {
        let page = "kubu-02-lembar2.jpg"
        let template = try Fixtures.store.template("c1-ppwp-2019-lembar2")
        let image = try ImageLoader().load(Fixtures.kpu(page)).image.rotated(quarterTurns: turns)
        let (registration, _) = Registrar(template: template.template).register(image)
        #expect(registration.isUsable)
        #expect((registration.quarterTurns + turns) % 4 == 0)
    }

    @Test("a page of another form is not registered onto the 2019 templates")
    func otherFormRefused() throws {
        let image = try ImageLoader().load(Fixtures.samples.appendingPathComponent("kawalc1/1386928-005381002001.jpg").path).image
        for template in Fixtures.store.templates {
            let (registration, _) = Registrar(template: template.template).register(image)
            #expect(!registration.isUsable, "\(template.id): coverage \(registration.coverage)")
        }
    }

    @Test("Lembar 1 and Lembar 2 are told apart by their ruled lines", arguments: ["aluebatee-01-lembar1.jpg", "aluebatee-01-lembar2.jpg"])
    func sheetsToldApart(page: String) throws {
        let truth = try Fixtures.truth(page)
        let image = try ImageLoader().load(Fixtures.kpu(page)).image
        for template in Fixtures.store.templates {
            let (registration, _) = Registrar(template: template.template).register(image)
            #expect(registration.isUsable == (template.id == truth.template), "\(template.id): coverage \(registration.coverage)")
        }
    }
}

