import DigitReader
import Foundation
import Testing
@testable import FormScan

@Suite("Image quality: a bad picture is refused with what to do")
struct QualityTests {
    static let page: GrayImage = try! ImageLoader().load(Fixtures.kpu("kubu-02-lembar2.jpg")).image

    /// Box blur, applied `passes` times (three passes look like an out-of-focus photo).
    static func blurred(_ g: GrayImage, radius: Int, passes: Int) -> GrayImage {
        var img = g
        for _ in 0..<passes {
            for horizontal in [true, false] {
                var out = img
                for y in 0..<img.height {
                    for x in 0..<img.width {
                        var sum = 0, n = 0
                        for d in -radius...radius {
                            let xx = horizontal ? x + d : x, yy = horizontal ? y : y + d
                            if xx >= 0 && yy >= 0 && xx < img.width && yy < img.height { sum += Int(img[xx, yy]); n += 1 }
                        }
                        out[x, y] = UInt8(sum / n)
                    }
                }
                img = out
            }
        }
        return img
    }

    func scan(_ image: GrayImage, _ name: String) throws -> PageResult {
        let path = Fixtures.scratch("quality").appendingPathComponent(name).path
        try ImageWriter.write(image, to: path)
        return try Fixtures.scanner().scan(path: path)
    }

    func refusal(_ image: GrayImage, _ name: String) -> [String] {
        do { _ = try scan(image, name); return [] } catch let FormScanError.poorImage(_, problems) { return problems } catch { return ["other: \(error)"] }
    }

    @Test func theSampleScansPassTheGate() throws {
        let r = try Fixtures.scanner().scan(path: Fixtures.kpu("kubu-02-lembar2.jpg"))
        let q = try #require(r.registration.quality)
        #expect(q.problems.isEmpty)
        #expect(q.edgeWidth < 1.5)
        #expect(q.inside > 0.99)
    }

    @Test func aPageCutByThePhotosEdgeIsRefusedOnlyWhenABoxIsCut() throws {
        let r = try Fixtures.scanner().scan(path: Fixtures.kpu("kubu-02-lembar2.jpg"), templateID: "c1-ppwp-2019-lembar2")
        let template = try Fixtures.store.template("c1-ppwp-2019-lembar2").template
        func assess(dx: Double, dy: Double) -> ImageQuality {
            QualityGate.assess(Self.page, template: template,
                               transform: r.registration.transform.composed(after: Homography([1, 0, dx, 0, 1, dy, 0, 0, 1])))
        }
        // The page moved up: the top of its table leaves the photo, every box stays well inside.
        let top = assess(dx: 0, dy: -255)
        #expect(top.inside < QualityGate.minimumInside)
        #expect(!top.problems.contains { $0.contains("outside the photo") }, "\(top.problems)")
        // Moved right: the units boxes leave it.
        let right = assess(dx: 100, dy: 0)
        #expect(right.problems.contains { $0.contains("outside the photo") }, "\(right.problems)")
    }

    @Test func aBlurredPhotoIsRefused() {
        let problems = refusal(Self.blurred(Self.page, radius: 2, passes: 3), "blurred.png")
        #expect(problems.count == 1)
        #expect(problems.first?.contains("blurred") == true)
    }

    @Test func aDarkPhotoIsRefused() {
        var dark = Self.page
        for i in dark.pixels.indices { dark.pixels[i] = UInt8(Double(dark.pixels[i]) * 0.3) }
        let problems = refusal(dark, "dark.png")
        #expect(problems.first?.contains("too dark") == true)
    }

    @Test func aPageTooSmallInThePhotoIsRefused() {
        let small = Self.page.resized(width: Self.page.width * 38 / 100, height: Self.page.height * 38 / 100)
        let problems = refusal(small, "small.png")
        #expect(problems.first?.contains("too small") == true)
    }

    @Test func aPhotoWithTooFewPixelsIsNotCalledBlurred() {
        // Half the size, softened by one pixel: sharp for its size, too small for the digits.
        let half = Self.page.resized(width: Self.page.width / 2, height: Self.page.height / 2)
        let problems = refusal(Self.blurred(half, radius: 1, passes: 1), "half.png")
        #expect(problems.first?.contains("too few pixels") == true, "\(problems)")
        #expect(!problems.contains { $0.contains("blurred") })
    }

    @Test func aDimButSharpPhotoIsRead() throws {
        var dim = Self.page
        for i in dim.pixels.indices { dim.pixels[i] = UInt8(Double(dim.pixels[i]) * 0.6) }
        let r = try scan(dim, "dim.png")
        #expect(r.template == "c1-ppwp-2019-lembar2")
        #expect(r.registration.quality?.problems.isEmpty == true)
    }
}
