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

/// `templates draft` on the blank reference pages shipped: every digit box of the shipped
/// template found, nothing more, grouped into the same numbers. (The drafting rules were
/// written looking at these pages: this is what they do here, not an estimate for new forms;
/// docs/measurements.md has the pages they were not written on.)
@Suite("Template drafting from a blank page")
struct TemplateDraftTests {
    static func iou(_ a: [Double], _ b: [Double]) -> Double {
        let w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]), h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
        guard w > 0, h > 0 else { return 0 }
        return w * h / (a[2] * a[3] + b[2] * b[3] - w * h)
    }

    @Test(arguments: ["c-hasil-ppwp-2024-hal2", "c-hasil-ppwp-2024-hal3", "c1-plano-ppwp-2019"])
    func everyBoxOfTheShippedTemplateIsFoundAndGrouped(id: String) throws {
        let shipped = try Fixtures.store.template(id).template
        let image = try ImageLoader(workingLongSide: 100_000).load(TemplateToolsTests.templates.appendingPathComponent(shipped.referenceImage).path).image
        let (drafted, report) = TemplateDrafter().draft(image: image, id: "draft", title: "draft", referenceImage: "draft.png")
        #expect(drafted.fields.count == shipped.fields.count, "\(report)")
        #expect(drafted.fields.map(\.id) == (1...drafted.fields.count).map { String(format: "field_%02d", $0) })
        for f in shipped.fields {
            // One drafted number holds this field's three boxes, in order.
            let match = drafted.fields.first { d in
                d.boxes.count == f.boxes.count && zip(d.boxes, f.boxes).allSatisfy { Self.iou($0, $1) >= 0.8 }
            }
            #expect(match != nil, "\(id).\(f.id) \(f.boxes) not found")
            // The bubbles under the boxes (2024 page 2), each within 2 px of the shipped centre.
            if let bubbles = f.bubbles, let match {
                let found = try #require(match.bubbles, "\(id).\(f.id): no bubbles drafted")
                for (a, b) in zip(bubbles.joined(), found.joined()) {
                    #expect(hypot(a[0] - b[0], a[1] - b[1]) <= 2, "\(f.id): bubble \(a) drafted at \(b)")
                }
            } else {
                #expect(match?.bubbles == nil)
            }
        }
        #expect(drafted.aprilTag == shipped.aprilTag)
        #expect(drafted.lines.horizontal.count >= 4 && drafted.lines.vertical.count >= 4)
        if shipped.marks.count == 4 { #expect(drafted.marks.count == 4) }
    }
}
