import DigitReader
import Foundation
import Testing
@testable import FormScan

/// The annotated page: nothing written over the form, a field differing from the recap never
/// green, margin text inside the picture, colour swatches in the legend.
@Suite("Annotated pictures say it without covering the form")
struct AnnotationTests {
    static let scanned: (result: PageResult, page: GrayImage)? = try? Fixtures.scanner().scanKeepingPage(path: Fixtures.kpu("kubu-02-lembar1.jpg"))

    @Test func theFormIsNotWrittenOverAndARecapDifferenceIsNotGreen() throws {
        let (result, page) = try #require(Self.scanned)
        let template = try Fixtures.store.template(result.template)
        let upright = Annotator.upright(page, transform: result.registration.transform, template: template.template)
        var annotator = Annotator()
        let differing = "pengguna_total_l"
        annotator.recap = ["\(result.template).\(differing)": (result.fields[differing]?.value ?? 0) + 10]
        let picture = annotator.page(result, upright: upright, template: template, heading: [String(repeating: "a long heading ", count: 20)])
        #expect(picture.width > upright.width + annotator.marginWidth)
        // Outside the box outlines, the page is the photo as registered: no value, no label on it.
        let outlines = template.template.fields.flatMap(\.boxes).map(Rect.init)
        func onOutline(_ x: Int, _ y: Int) -> Bool {
            outlines.contains { b in
                let x0 = Int(b.x.rounded()) - 1, y0 = Int(b.y.rounded()) - 1
                let x1 = x0 + Int(b.width.rounded()) + 2, y1 = y0 + Int(b.height.rounded()) + 2
                return x >= x0 && x < x1 && y >= y0 && y < y1 && (x < x0 + 3 || x >= x1 - 3 || y < y0 + 3 || y >= y1 - 3)
            }
        }
        // The values are joined to their rows by a dotted line from the last box to the page's
        // edge: that is the only mark on the page besides the outlines.
        let lastBoxRight = outlines.map { Int(($0.x + $0.width).rounded()) }.max()!
        var changed = 0
        for y in stride(from: 0, to: upright.height, by: 2) {
            for x in stride(from: 0, to: lastBoxRight + 4, by: 2) where !onOutline(x, y) {
                let v = upright[x, y]
                if picture.pixel(x, y) != (v, v, v) { changed += 1 }
            }
        }
        #expect(changed == 0, "\(changed) pixels of the form were painted over")
        // The differing field's boxes are outlined in the recap colour, the others in their status colour.
        for f in template.template.fields {
            let want = f.id == differing ? Annotator.recapColor : Annotator.color(result.fields[f.id]!.status)
            let box = f.boxes[0]
            let got = picture.pixel(Int(box[0].rounded()), Int((box[1] + box[3] / 2).rounded()))
            #expect(got == want, "\(f.id): \(got)")
        }
        // The legend draws swatches: a rectangle of each status colour in the margin.
        let marginX = picture.width - annotator.marginWidth
        for s in FieldStatus.allCases {
            let c = Annotator.color(s)
            var found = false
            for y in 0..<picture.height where !found {
                for x in marginX..<(marginX + 60) where picture.pixel(x, y) == c {
                    // a swatch: a horizontal run of its colour
                    found = (x..<(x + 12)).allSatisfy { picture.pixel($0, y) == c }
                    if found { break }
                }
            }
            #expect(found, "no swatch for \(s)")
        }
        // Nothing is drawn in the last 8 columns: the margin's text wrapped before the edge.
        var inked = 0
        for y in 0..<picture.height { for x in (picture.width - 8)..<picture.width where picture.pixel(x, y) != (255, 255, 255) { inked += 1 } }
        #expect(inked == 0)
    }

    @Test func wrappedLinesFitTheirWidth() throws {
        let font = try #require(Annotator.font(8))
        let text = "IV.02 H. Prabowo Subianto – H. Sandiaga Salahuddin Uno: suara sah: 137, rekap 190 " + String(repeating: "x", count: 120)
        let lines = Annotator.wrap(text, font: font, width: 300)
        #expect(lines.count > 2)
        #expect(lines.allSatisfy { font.render($0).width <= 300 }, "\(lines)")
        #expect(lines.joined().replacingOccurrences(of: " ", with: "") == text.replacingOccurrences(of: " ", with: ""))
    }

    @Test func theReviewSheetNamesTheFormsLabelsAndTheReadersPlainly() throws {
        let (result, page) = try #require(Self.scanned)
        let template = try Fixtures.store.template(result.template)
        let upright = Annotator.upright(page, transform: result.registration.transform, template: template.template)
        // One field sent to review by hand, so there is a sheet to draw.
        var r = result
        r.fields["pengguna_total_l"]?.status = .review
        r.fields["pengguna_total_l"]?.reasons = ["a very long reason " + String(repeating: "that goes on ", count: 30)]
        let sheet = try #require(Annotator().reviewSheet([(r, upright, template)]))
        #expect(sheet.width < 2000)
        // The reader names a person sees.
        #expect(Annotator.Words().reader("tesseract") == "reader 1" && Annotator.Words().reader("classifier") == "reader 2")
    }
}
