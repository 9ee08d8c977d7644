import DigitReader
import Foundation
import Testing
@testable import FormScan

/// A few pages of the robustness suite (scripts/robustness/make-variants.py), made here: sample
/// pages thresholded to pure black and white, as some real scans arrive. Whatever is lost to the
/// threshold, nothing is emitted as good and wrong.
@Suite("Thresholded scans: never silently wrong")
struct ThresholdedScanTests {
    static let cases: [(page: String, threshold: UInt8)] = [
        ("generated/gen11-0001-lembar1.jpg", 128), ("generated/gen11-0001-lembar1.jpg", 96),
        ("kpu-2019/kubu-02-lembar2.jpg", 128),
    ]

    @Test(arguments: cases.indices)
    func noNumberIsEmittedAsGoodAndWrong(index: Int) throws {
        let (page, threshold) = Self.cases[index]
        let path = Fixtures.samples.appendingPathComponent(page).path
        let truth = try TruthFile.load(TruthFile.path(forImage: path))
        var image = try ImageLoader().load(path).image
        for i in image.pixels.indices { image.pixels[i] = image.pixels[i] >= threshold ? 255 : 0 }
        let out = Fixtures.scratch("thresholded").appendingPathComponent("t\(threshold)-" + (page as NSString).lastPathComponent + ".png").path
        try ImageWriter.write(image, to: out)
        let result = try Fixtures.scanner().scan(path: out, templateID: truth.template)
        var wrong: [String] = []
        for (id, expected) in truth.fields {
            guard let f = result.fields[id], f.status <= .corrected else { continue }
            if f.value != expected { wrong.append("\(id): \(f.value.map(String.init) ?? "nil") for \(expected) (\(f.status))") }
        }
        #expect(wrong.isEmpty, "\(page) at \(threshold): \(wrong)")
    }
}
