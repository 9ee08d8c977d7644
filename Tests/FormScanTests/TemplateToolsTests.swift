import DigitReader
import Foundation
import Testing
@testable import FormScan

/// `templates check` and `templates show` on the shipped pages and on broken copies of them.
@Suite("Template tools: check and show")
struct TemplateToolsTests {
    static let templates = Fixtures.root.appendingPathComponent("Sources/FormScan/Templates")
    static func file(_ id: String) -> String { templates.appendingPathComponent(id + ".json").path }

    @Test func aShippedTemplateChecksGoodWithAPhotoOfItsPage() throws {
        let check = try TemplateCheck.run(file: Self.file("c-hasil-ppwp-2024-hal2"),
                                          pages: [Fixtures.samples.appendingPathComponent("kawalc1/pilpres-2024-hal2.jpg").path],
                                          store: Fixtures.store)
        #expect(check.errors.isEmpty, "\(check.problems)")
        #expect(check.reference?.usable == true)
        #expect((check.reference?.coverage ?? 0) > 0.95)
        #expect(check.pages.count == 1 && check.pages[0].usable)
        #expect(check.mistakable.isEmpty, "\(check.mistakable)")
        #expect(check.nearest != nil && check.nearest!.coverage < 0.55)
        #expect(check.isGood)
    }

    @Test func mistakesInTheFileAreNamed() throws {
        var loaded = try TemplateStore.load(file: Self.file("c-hasil-ppwp-2024-hal2"))
        #expect(TemplateCheck.validate(loaded, store: Fixtures.store).filter { $0.severity == .error }.isEmpty)
        var t = loaded.template
        // A box off the page, a field of two boxes, a box drawn over another field's, the
        // AprilTag of page 3.
        t.fields[0].boxes[2][0] = t.width - 10
        t.fields[1].boxes.removeLast()
        t.fields[2].boxes[0] = t.fields[1].boxes[0]
        t.aprilTag = try Fixtures.store.template("c-hasil-ppwp-2024-hal3").template.aprilTag
        loaded.template = t
        let errors = TemplateCheck.validate(loaded, store: Fixtures.store).filter { $0.severity == .error }.map(\.message)
        #expect(errors.contains { $0.contains("\(t.fields[0].id): box 3") && $0.contains("outside the page") }, "\(errors)")
        #expect(errors.contains { $0.contains("\(t.fields[1].id): 2 boxes") }, "\(errors)")
        #expect(errors.contains { $0.contains("boxes overlap") && $0.contains(t.fields[2].id) }, "\(errors)")
        #expect(errors.contains { $0.contains("AprilTag") && $0.contains("c-hasil-ppwp-2024-hal3") }, "\(errors)")
    }

    @Test func theOverlayDrawsTheBoxesWhereTheTemplateSaysOnTheReference() throws {
        let loaded = try TemplateStore.load(file: Self.file("c1-ppwp-2019-lembar2"))
        let picture = try TemplateOverlay.render(file: Self.file("c1-ppwp-2019-lembar2"))
        #expect(picture.width == Int(loaded.template.width))
        #expect(picture.height > Int(loaded.template.height))  // the legend below
        // The box outline in red on the box's top edge, the print faded elsewhere.
        let box = loaded.template.fields[0].boxes[1]
        #expect(picture.pixel(Int(box[0] + box[2] / 2), Int(box[1]) + 1) == TemplateOverlay.boxColor)
        let line = loaded.template.lines.horizontal[0]
        #expect(picture.pixel(Int((line[1] + line[2]) / 2), Int(line[0].rounded())) == TemplateOverlay.lineColor)
        let path = Fixtures.scratch("overlay").appendingPathComponent("lembar2.png").path
        try ImageWriter.write(picture, to: path)
        let back = try ImageLoader(workingLongSide: 100_000).load(path).image
        #expect(back.width == picture.width && back.height == picture.height)
    }
}
