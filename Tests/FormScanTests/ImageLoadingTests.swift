import DigitReader
import Foundation
import Testing
@testable import FormScan

@Suite("Bad input gets a clear error, never a crash")
struct ImageLoadingTests {
    let dir = Fixtures.scratch("bad-input")

    private func write(_ data: Data, _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    @Test func jpegNamedPNGIsReadByContent() throws {
        let loaded = try ImageLoader().load(Fixtures.kpu("karanghampa-01-lembar2.png"))
        #expect(loaded.format == .jpeg)
        #expect(loaded.image.width == 1275 && loaded.image.height == 2100)
    }

    @Test func missingFile() {
        #expect(throws: FormScanError.fileNotFound("/nonexistent/page.jpg")) { try ImageLoader().load("/nonexistent/page.jpg") }
    }

    @Test func emptyFile() throws {
        let path = try write(Data(), "empty.jpg")
        #expect(throws: FormScanError.emptyFile(path)) { try ImageLoader().load(path) }
    }

    @Test func textNamedJPEG() throws {
        let path = try write(Data("Berita acara: ini bukan gambar.\n".utf8), "notes.jpg")
        #expect(throws: FormScanError.notAnImage(path)) { try ImageLoader().load(path) }
    }

    @Test func truncatedJPEG() throws {
        let full = try Data(contentsOf: URL(fileURLWithPath: Fixtures.kpu("kubu-02-lembar1.jpg")))
        let path = try write(full.prefix(full.count / 3), "truncated.jpg")
        #expect(throws: FormScanError.truncatedImage(path)) { try ImageLoader().load(path) }
    }

    @Test func corruptJPEGHeader() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.kpu("kubu-02-lembar1.jpg"))).prefix(2000))
        for i in 4..<bytes.count { bytes[i] = UInt8(i % 251) }
        let path = try write(Data(bytes), "garbage.jpg")
        #expect(throws: FormScanError.self) { try ImageLoader().load(path) }
    }

    @Test func absurdlyLargeImageRefusedBeforeDecoding() throws {
        // A real JPEG whose frame header claims 60000 x 60000 pixels.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.kpu("kubu-02-lembar2.jpg"))))
        var i = 2
        while i + 9 < bytes.count {
            if bytes[i] == 0xFF, (0xC0...0xC2).contains(bytes[i + 1]) {
                bytes[i + 5] = 0xEA; bytes[i + 6] = 0x60; bytes[i + 7] = 0xEA; bytes[i + 8] = 0x60
                break
            }
            i += 1
        }
        let path = try write(Data(bytes), "huge.jpg")
        #expect(throws: FormScanError.imageTooLarge(path, width: 60000, height: 60000, limit: 64_000_000)) {
            try ImageLoader().load(path)
        }
    }

    @Test func imageWithNoFormIsRefused() throws {
        // A blank grey page with some noise: no ruled lines to find.
        var image = GrayImage(width: 1200, height: 1700, fill: 200)
        var seed: UInt64 = 42
        for i in 0..<image.pixels.count {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            image.pixels[i] = UInt8(150 + Int(seed >> 58))
        }
        let path = dir.appendingPathComponent("noform.png").path
        try ImageWriter.write(image, to: path)
        let scanner = try Fixtures.scanner()
        #expect(throws: FormScanError.noFormFound(path)) { try scanner.scan(path: path) }
    }

    @Test func tooSmallImage() throws {
        let path = dir.appendingPathComponent("tiny.png").path
        try ImageWriter.write(GrayImage(width: 200, height: 300, fill: 255), to: path)
        let scanner = try Fixtures.scanner()
        #expect(throws: FormScanError.imageTooSmall(path, width: 200, height: 300)) { try scanner.scan(path: path) }
    }

    @Test func wrongPageForChosenTemplate() throws {
        let scanner = try Fixtures.scanner()
        let path = Fixtures.samples.appendingPathComponent("kawalc1/1386928-005381002001.jpg").path
        for id in ["c1-ppwp-2019-lembar1", "c1-ppwp-2019-lembar2"] {
            #expect {
                try scanner.scan(path: path, templateID: id)
            } throws: { error in
                guard case FormScanError.wrongPage(_, let t, _) = error else { return false }
                return t == id
            }
        }
        let lembar1 = Fixtures.kpu("kubu-02-lembar1.jpg")
        #expect {
            try scanner.scan(path: lembar1, templateID: "c1-ppwp-2019-lembar2")
        } throws: { error in
            if case FormScanError.wrongPage = error { return true }
            return false
        }
    }

    @Test func errorsSayWhatToDo() {
        #expect(FormScanError.noFormFound("a.jpg").description.contains("is the whole page in the image?"))
        #expect(FormScanError.truncatedImage("a.jpg").description.contains("copy it again"))
    }
}
