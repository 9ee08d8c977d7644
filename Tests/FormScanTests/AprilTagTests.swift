import DigitReader
import Foundation
import Testing
@testable import FormScan

/// The 2024 C.Hasil pages carry a 36h10 AprilTag with their page number (101-103): an
/// identification that does not depend on the ruled lines.
@Suite("AprilTags on the 2024 pages")
struct AprilTagTests {
    static func kawal(_ name: String) -> String { Fixtures.samples.appendingPathComponent("kawalc1/\(name)").path }

    /// The three phone photos (12 MP, a monitor photographed at an angle): each page's tag is
    /// read, even on page 1's photo, too blurred for its digits.
    @Test(arguments: [("pilpres-2024-hal1.jpg", 101), ("pilpres-2024-hal2.jpg", 102), ("pilpres-2024-hal3.jpg", 103)])
    func eachPagesTagIsRead(photo: String, id: Int) throws {
        let image = try ImageLoader().load(Self.kawal(photo)).image
        let tags = AprilTagDetector().detect(image)
        #expect(tags.map(\.id) == [id])
        #expect(tags.first?.hamming == 0)
    }

    @Test func aScanReportsTheTagThatConfirmsThePage() throws {
        let r = try Fixtures.scanner().scan(path: Self.kawal("pilpres-2024-hal3.jpg"))
        #expect(r.template == "c-hasil-ppwp-2024-hal3")
        #expect(r.registration.aprilTag?.id == 103)
        // A 2019 page has none, and none is looked for.
        let scan = try Fixtures.scanner().scan(path: Fixtures.kpu(Fixtures.kpuPages[0]))
        #expect(scan.registration.aprilTag == nil)
    }

    @Test func theShipped2024TemplatesNameTheirTags() throws {
        for (n, id) in [(1, 101), (2, 102), (3, 103)] {
            #expect(try Fixtures.store.template("c-hasil-ppwp-2024-hal\(n)").template.aprilTag == id)
        }
    }
}
