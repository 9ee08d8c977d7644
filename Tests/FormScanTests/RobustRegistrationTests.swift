import DigitReader
import Foundation
import Testing
@testable import FormScan

/// A CI subset of the robustness suite (scripts/robustness/make-variants.py), made here from
/// sample pages: turned 3 degrees on white (as a scanner turns a page fed askew), shrunk to
/// 1000 px on the long side (a copy sent through a messaging app), and thresholded after the
/// turn (the refused real scans). Each must register on its template, and nothing read from it
/// may be emitted as good and wrong.
@Suite("Robust registration: turned, shrunk and thresholded pages")
struct RobustRegistrationTests {
    enum Variant: String, CaseIterable, Sendable { case rotate3, downscale1000, threshold128rotate1 }

    static let cases: [(page: String, variant: Variant)] = [
        ("kpu-2019/kubu-02-lembar2.jpg", .rotate3), ("generated/gen11-0001-lembar1.jpg", .rotate3),
        ("kpu-2019/kubu-02-lembar2.jpg", .downscale1000),
        ("kpu-2019/peuribu-01-lembar2.jpg", .threshold128rotate1),
        // A photo turned on a white canvas: white wedges all along the frame, the sheet's
        // outline still to be found (`PageOutline.paperAllRound`'s inner ring).
        ("generated-photos/cotbuloh-02-v2-lembar1.jpg", .rotate3),
    ]

    /// The image turned `degrees` about its centre onto a canvas that holds all of it, white
    /// where the page is not (as make-variants.py's `rotate`).
    static func rotated(_ image: GrayImage, degrees: Double) -> GrayImage {
        let a = degrees * .pi / 180
        let (w, h) = (Double(image.width), Double(image.height))
        let W = Int((abs(w * cos(a)) + abs(h * sin(a))).rounded(.up)), H = Int((abs(w * sin(a)) + abs(h * cos(a))).rounded(.up))
        // Output pixel -> source pixel: about the centres, turned back.
        let (cx, cy, cX, cY) = (w / 2, h / 2, Double(W) / 2, Double(H) / 2)
        let back = Homography([cos(a), -sin(a), cx - cos(a) * cX + sin(a) * cY,
                               sin(a), cos(a), cy - sin(a) * cX - cos(a) * cY, 0, 0, 1])
        var out = GrayImage(width: W, height: H)
        image.withSampler { src in
            for y in 0..<H { for x in 0..<W {
                let p = back.apply(Double(x), Double(y))
                out.pixels[y * W + x] = p.x >= 0 && p.y >= 0 && p.x <= w - 1 && p.y <= h - 1
                    ? UInt8(max(0, min(255, src.sample(x: p.x, y: p.y).rounded()))) : 255
            } }
        }
        return out
    }

    static func make(_ image: GrayImage, _ variant: Variant) -> GrayImage {
        switch variant {
        case .rotate3: return rotated(image, degrees: 3)
        case .downscale1000:
            let k = 1000 / Double(max(image.width, image.height))
            return image.resized(width: Int(Double(image.width) * k), height: Int(Double(image.height) * k))
        case .threshold128rotate1:
            var t = rotated(image, degrees: -1)
            for i in t.pixels.indices { t.pixels[i] = t.pixels[i] >= 128 ? 255 : 0 }
            return t
        }
    }

    @Test(arguments: cases.indices)
    func registersAndIsNeverSilentlyWrong(index: Int) throws {
        let (page, variant) = Self.cases[index]
        let path = Fixtures.samples.appendingPathComponent(page).path
        let truth = try TruthFile.load(TruthFile.path(forImage: path))
        let image = Self.make(try ImageLoader().load(path).image, variant)
        let out = Fixtures.scratch("robust").appendingPathComponent("\(variant.rawValue)-" + (page as NSString).lastPathComponent + ".png").path
        try ImageWriter.write(image, to: out)
        let result = try Fixtures.scanner().scan(path: out, templateID: truth.template)
        #expect(result.registration.isUsable, "\(page) \(variant): coverage \(result.registration.coverage)")
        var wrong: [String] = [], right = 0
        for (id, expected) in truth.fields {
            guard let f = result.fields[id], f.status <= .corrected else { continue }
            if f.value == expected { right += 1 } else { wrong.append("\(id): \(f.value.map(String.init) ?? "nil") for \(expected) (\(f.status))") }
        }
        #expect(wrong.isEmpty, "\(page) \(variant): \(wrong)")
        // Registered well enough to read: most numbers emitted as good.
        #expect(right * 2 >= truth.fields.count, "\(page) \(variant): \(right) of \(truth.fields.count) right")
    }
}
