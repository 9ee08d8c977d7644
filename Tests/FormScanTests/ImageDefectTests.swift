import CScanShim
import DigitReader
import Foundation
import Testing
@testable import FormScan

/// The image-loading defects of issue 27 (found by fuzzing and abuse): each test fails without
/// its fix (a crash, a wrong error, or damaged pixels read as fine).
@Suite("Image loading defects found by fuzzing")
struct ImageDefectTests {
    let dir = Fixtures.scratch("image-defects")

    private func write(_ data: Data, _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    private static func sample(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.kpu(name))))
    }

    private static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "ImageFixtures/" + name, withExtension: nil))
        return try Data(contentsOf: url)
    }

    /// A tiny real JPEG (8x8 gray, from our encoder) with `app1` inserted as its first marker.
    private static func jpeg(withAPP1 app1: [UInt8]) throws -> Data {
        let small = [UInt8](try JPEGCodec.encode([UInt8](repeating: 128, count: 64), width: 8, height: 8, components: 1))
        let length = app1.count + 2
        return Data([0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + app1 + small.dropFirst(2))
    }

    /// A 16-byte EXIF block: "Exif\0\0", a TIFF header whose IFD0 offset is `offset`, 2 bytes.
    private static func exifBlock(offset: UInt32, littleEndian: Bool) -> [UInt8] {
        let o = littleEndian ? [UInt8(offset & 0xFF), UInt8(offset >> 8 & 0xFF), UInt8(offset >> 16 & 0xFF), UInt8(offset >> 24)]
                             : [UInt8(offset >> 24), UInt8(offset >> 16 & 0xFF), UInt8(offset >> 8 & 0xFF), UInt8(offset & 0xFF)]
        let header: [UInt8] = littleEndian ? [0x49, 0x49, 0x2A, 0x00] : [0x4D, 0x4D, 0x00, 0x2A]
        return Array("Exif".utf8) + [0, 0] + header + o + [0, 0]
    }

    // MARK: 1. EXIF offsets near 2^32

    @Test(arguments: [UInt32(0xFFFF_FFFE), 0xFFFF_FFFF, 0xFFFF_FFF0, 0x8000_0000], [false, true])
    func exifOffsetNearTheTopOfUInt32IsNoOrientation(offset: UInt32, littleEndian: Bool) throws {
        let block = Self.exifBlock(offset: offset, littleEndian: littleEndian)
        #expect(block.count == 16)
        let data = try Self.jpeg(withAPP1: block)
        #expect(data.count < 400) // the issue's crashing file was 348 bytes
        // Before the fix `ifd + 2 > n` wrapped in 32 bits and this read 4 GiB past the block.
        let loaded = try ImageLoader().decode(data, name: "exif.jpg")
        #expect(loaded.exifOrientation == 1)
        #expect(block.withUnsafeBufferPointer { CScanShim_exifOrientationFromAPP1($0.baseAddress, $0.count) } == 0)
    }

    @Test func exifOrientationIsStillRead() throws {
        // IFD0 at 8 with one entry: Orientation (0x0112), SHORT, count 1, value 6 (turn right).
        let tiff: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]
        let block = Array("Exif".utf8) + [0, 0] + tiff
        #expect(block.withUnsafeBufferPointer { CScanShim_exifOrientationFromAPP1($0.baseAddress, $0.count) } == 6)
        // An entry that ends one byte past the block is not read.
        let cut = Array(block.dropLast(7))
        #expect(cut.withUnsafeBufferPointer { CScanShim_exifOrientationFromAPP1($0.baseAddress, $0.count) } == 0)
        let loaded = try ImageLoader().decode(try Self.jpeg(withAPP1: block), name: "turned.jpg")
        #expect(loaded.exifOrientation == 6)
    }

    /// Inputs that crashed a library we link, found by scripts/fuzz: each is now an error.
    /// libheif 1.15.1 wrote out of bounds decoding a 535-byte HEIC whose grid claims 26991x30316
    /// pixels (32-bit offsets past 2 GB), whatever our pixel limit (checked on the handle's size).
    @Test func inputsThatCrashedALibraryAreErrors() throws {
        let dir = Fixtures.root.appendingPathComponent("scripts/fuzz/known-crashes")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasSuffix(".md") }.sorted()
        #expect(!names.isEmpty)
        for name in names {
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            #expect(throws: FormScanError.self, "\(name)") { try ImageLoader().decode(data, name: name) }
        }
    }

    @Test func fuzzSeedCorpusDecodes() throws {
        // The seeds of scripts/fuzz/run.sh, run once here (CI never runs the fuzzer itself):
        // every image seed decodes, the two issue-27 crash files included.
        let seeds = Fixtures.root.appendingPathComponent("scripts/fuzz/seeds")
        let names = try FileManager.default.contentsOfDirectory(atPath: seeds.path).sorted()
        #expect(names.count >= 20)
        let loader = ImageLoader(maxPixels: 4_000_000, workingLongSide: 600)
        for name in names {
            let data = try Data(contentsOf: seeds.appendingPathComponent(name))
            let exif = data.withUnsafeBytes { CScanShim_exifOrientationFromAPP1($0.bindMemory(to: UInt8.self).baseAddress, $0.count) }
            #expect(exif == 0, "\(name)") // no seed starts with "Exif\0\0"
            if name.hasSuffix(".bin") { continue }
            do {
                let loaded = try loader.decode(data, name: name)
                let expected = name.contains("exif6") ? 6 : name.contains("exif8") ? 8 : 1
                #expect(loaded.exifOrientation == expected, "\(name)")
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
    }

    // MARK: 5. Corrupt entropy-coded data

    /// Where the entropy-coded data of a baseline JPEG starts and ends (after the SOS header,
    /// before the end marker).
    private static func scanData(_ bytes: [UInt8]) throws -> Range<Int> {
        var i = 2
        while i + 4 < bytes.count {
            guard bytes[i] == 0xFF else { i += 1; continue }
            let marker = bytes[i + 1]
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if marker == 0xDA { return (i + 2 + length)..<(bytes.count - 2) }
            i += 2 + length
        }
        throw FormScanError.notAnImage("no SOS")
    }

    @Test(arguments: Fixtures.kpuPages.filter { $0.hasSuffix(".jpg") })
    func sampleScanWithAZeroedBlockIsDamaged(_ name: String) throws {
        var bytes = try Self.sample(name)
        // A 4 KiB block lost in the middle of the picture (a bad sector, a broken copy).
        let scan = try Self.scanData(bytes)
        let at = scan.lowerBound + scan.count / 2
        for i in at..<(at + 4096) { bytes[i] = 0 }
        let path = try write(Data(bytes), "zeroed-\(name)")
        #expect {
            try ImageLoader().load(path)
        } throws: { error in
            guard case FormScanError.damagedImage(let p, let why) = error else { return false }
            return p == path && why.contains("Corrupt JPEG data")
        }
    }

    @Test func sampleScanWithAStrayMarkerOrAMovedBlockIsDamaged() throws {
        let original = try Self.sample("kubu-02-lembar1.jpg")
        let scan = try Self.scanData(original)
        var marker = original
        // A restart marker where the file has none.
        marker[scan.lowerBound + scan.count / 3] = 0xFF
        marker[scan.lowerBound + scan.count / 3 + 1] = 0xD3
        var moved = original
        // 4 KiB of the picture copied over another part of it.
        let from = scan.lowerBound + scan.count / 5, to = scan.lowerBound + scan.count * 3 / 5
        for i in 0..<4096 { moved[to + i] = original[from + i] }
        for (bytes, label) in [(marker, "marker"), (moved, "moved")] {
            let error = #expect(throws: FormScanError.self) { try ImageLoader().decode(Data(bytes), name: label) }
            #expect(error?.kind == "damaged", "\(label): \(String(describing: error))")
            #expect(error?.description.contains("the file is damaged") == true)
        }
    }

    @Test func everySampleJPEGDecodesWithoutAWarning() throws {
        // No false alarm: none of the real scans and photos shipped with the project is damaged.
        let roots = [Fixtures.samples, Fixtures.root.deletingLastPathComponent().appendingPathComponent("shared/samples")]
        var seen = 0
        for root in roots {
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where ["jpg", "jpeg"].contains(url.pathExtension.lowercased()) {
                let data = try Data(contentsOf: url)
                guard ImageLoader.sniff(data) == .jpeg else { continue }
                #expect(throws: Never.self, "\(url.path)") { _ = try ImageLoader().decode(data, name: url.path) }
                seen += 1
            }
        }
        #expect(seen >= 42)
    }

    // MARK: 11. Misleading errors

    @Test func fifoIsNotARegularFileAndNeverBlocks() throws {
        let path = dir.appendingPathComponent("pipe.jpg").path
        unlink(path)
        #expect(mkfifo(path, 0o644) == 0)
        defer { unlink(path) }
        // Opening a FIFO for reading blocks until a writer comes: the loader must not open it.
        #expect(throws: FormScanError.notARegularFile(path, what: "a FIFO (named pipe)")) { try ImageLoader().load(path) }
    }

    @Test(arguments: ["/dev/zero", "/dev/null"])
    func deviceIsNotARegularFile(_ path: String) throws {
        let error = #expect(throws: FormScanError.self) { try ImageLoader().load(path) }
        #expect(error == .notARegularFile(path, what: "a character device"))
        #expect(error?.description.contains("not a regular file") == true)
        #expect(error?.description.contains("permission") == false)
    }

    @Test func folderAndMissingFileKeepTheirErrors() throws {
        #expect(throws: FormScanError.fileUnreadable(dir.path, reason: "it is a folder")) { try ImageLoader().load(dir.path) }
        #expect(throws: FormScanError.fileNotFound(dir.path + "/none/x.jpg")) { try ImageLoader().load(dir.path + "/none/x.jpg") }
    }

    /// A sample JPEG with its frame header changed to another JPEG process or precision.
    private static func withFrame(_ name: String, marker: UInt8, precision: UInt8) throws -> Data {
        var bytes = try sample(name)
        var i = 2
        while i + 4 < bytes.count {
            if bytes[i] == 0xFF, bytes[i + 1] == 0xC0 {
                bytes[i + 1] = marker
                bytes[i + 4] = precision
                return Data(bytes)
            }
            i += 2 + (Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]))
        }
        throw FormScanError.notAnImage("no SOF0")
    }

    @Test func twelveBitAndLosslessJPEGsAreUnsupportedNotDamaged() throws {
        let cases: [(UInt8, UInt8, String)] = [
            (0xC1, 12, "Unsupported JPEG data precision 12"), // extended sequential, 12-bit
            (0xC3, 8, "SOF type 0xc3"),                        // lossless
            (0xC7, 8, "SOF type 0xc7"),                        // differential lossless (hierarchical)
        ]
        for (marker, precision, said) in cases {
            let data = try Self.withFrame("kubu-02-lembar1.jpg", marker: marker, precision: precision)
            let error = #expect(throws: FormScanError.self) { try ImageLoader().decode(data, name: "v.jpg") }
            guard case .unsupportedImage(_, let format, let why)? = error else {
                Issue.record("SOF \(marker): \(String(describing: error))")
                continue
            }
            #expect(format == "JPEG")
            #expect(why.contains(said), "\(why)")
            #expect(error!.description.contains("unsupported JPEG variant"))
            #expect(error!.kind == "unsupported")
        }
    }

    /// The same 320x200 crop of kubu-02-lembar1 that the fixtures were made from.
    private static func referenceCrop() throws -> GrayImage {
        try ImageLoader().load(Fixtures.kpu("kubu-02-lembar1.jpg")).image.cropped(x: 800, y: 700, width: 320, height: 200)
    }

    private static func meanDifference(_ a: GrayImage, _ b: GrayImage) -> Double {
        precondition(a.width == b.width && a.height == b.height)
        var sum = 0
        for i in 0..<a.pixels.count { sum += abs(Int(a.pixels[i]) - Int(b.pixels[i])) }
        return Double(sum) / Double(a.pixels.count)
    }

    /// The same size as the reference crop, and within 6 grey levels of it on average.
    static func expectSameGrayAsTheReference(_ image: GrayImage) throws {
        let reference = try referenceCrop()
        #expect(image.width == reference.width && image.height == reference.height)
        let d = meanDifference(image, reference)
        #expect(d < 6, "mean difference \(d)")
    }

    @Test func adobeCMYKJPEGDecodesToTheSameGray() throws {
        let loaded = try ImageLoader().decode(try Self.fixture("cmyk-adobe.jpg"), name: "cmyk-adobe.jpg")
        #expect(loaded.format == .jpeg)
        // Read as not inverted the paper would be black: a mean difference near 200.
        try Self.expectSameGrayAsTheReference(loaded.image)
    }

    @Test(arguments: ["page.heic", "page.avif"])
    func heifPhotoDecodesToTheSameGray(_ name: String) throws {
        let data = try Self.fixture(name)
        #expect(ImageLoader.sniff(data) == .heif)
        // Read by content, whatever its name.
        let path = try write(data, "iphone-\(name).jpg")
        let loaded = try ImageLoader().load(path)
        #expect(loaded.format == .heif)
        try Self.expectSameGrayAsTheReference(loaded.image)
    }

    @Test(arguments: ["page.heic", "page.avif"])
    func cutHEIFIsATypedError(_ name: String) throws {
        let data = try Self.fixture(name)
        for keep in [20, 300, data.count / 2, data.count - 10] {
            let error = #expect(throws: FormScanError.self) { try ImageLoader().decode(data.prefix(keep), name: name) }
            #expect(["truncated", "corrupt", "damaged", "not-an-image", "unsupported"].contains(error?.kind ?? ""), "\(keep): \(String(describing: error))")
        }
    }

    @Test func compressedBMPIsUnsupportedNotDamaged() throws {
        // ImageMagick's 8-bit BMP: RLE8 (compression 1), which Leptonica does not read.
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16) }
        let info = u32(40) + u32(24) + u32(16) + u16(1) + u16(8) + u32(1) + u32(0) + u32(2835) + u32(2835) + u32(256) + u32(0)
        let palette: [UInt8] = (0..<256).flatMap { v -> [UInt8] in [UInt8(v), UInt8(v), UInt8(v), 0] }
        let rle: [UInt8] = (0..<16).flatMap { _ -> [UInt8] in [24, 128, 0, 0] } + [0, 1]
        let header: [UInt8] = [0x42, 0x4D] + u32(14 + info.count + palette.count + rle.count) + u32(0) + u32(14 + info.count + palette.count)
        let error = #expect(throws: FormScanError.self) { try ImageLoader().decode(Data(header + info + palette + rle), name: "rle.bmp") }
        #expect(error == .unsupportedImage("rle.bmp", format: "BMP", reason: "RLE8 compression"))
    }

    @Test func otherMP4BrandsAreNotHEIF() {
        let mp4 = Data([0, 0, 0, 0x18] + Array("ftypmp42".utf8) + [0, 0, 0, 0] + Array("isommp42".utf8))
        #expect(ImageLoader.sniff(mp4) == nil)
    }

    /// An uncompressed 8-bit gray little-endian TIFF, its IFD before or after the pixels.
    private static func tiff(_ image: GrayImage, ifdFirst: Bool) -> Data {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16) }
        let entries = 9, ifdSize = 2 + entries * 12 + 4
        let pixelsAt = ifdFirst ? 8 + ifdSize : 8, ifdAt = ifdFirst ? 8 : 8 + image.pixels.count
        func entry(_ tag: Int, _ type: Int, _ value: Int) -> [UInt8] {
            u16(tag) + u16(type) + u32(1) + (type == 3 ? u16(value) + [0, 0] : u32(value))
        }
        var ifd = u16(entries)
        ifd += entry(256, 4, image.width) + entry(257, 4, image.height) + entry(258, 3, 8) + entry(259, 3, 1)
        ifd += entry(262, 3, 1) + entry(273, 4, pixelsAt) + entry(277, 3, 1) + entry(278, 4, image.height)
        ifd += entry(279, 4, image.pixels.count) + u32(0)
        let header: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + u32(ifdAt)
        return Data(ifdFirst ? header + ifd + image.pixels : header + image.pixels + ifd)
    }

    @Test(arguments: [true, false])
    func truncatedTIFFSaysWhatLeptonicaSaidInItsError(ifdFirst: Bool) throws {
        let page = try ImageLoader().load(Fixtures.kpu("kubu-02-lembar1.jpg")).image
        let whole = Self.tiff(page, ifdFirst: ifdFirst)
        #expect(try ImageLoader().decode(whole, name: "whole.tif").image.pixels == page.pixels)
        // Leptonica prints "Bad file: amount too big" with lept_stderr whatever its message
        // severity: it must end up in our error (a typed error, the image never read as fine),
        // not on stderr.
        let cut = whole.prefix(whole.count * 2 / 3)
        var error: FormScanError?
        let printed = Self.stderr { error = #expect(throws: FormScanError.self) { try ImageLoader().decode(cut, name: "cut.tif") } }
        #expect(["corrupt", "damaged", "truncated"].contains(error?.kind ?? ""), "\(String(describing: error))")
        #expect(!printed.contains("amount too big"), "\(printed)")
        if !ifdFirst {
            // As ImageMagick writes them: the directory at the end, cut away.
            #expect(error?.description.contains("amount too big") == true, "\(String(describing: error))")
        }
    }

    /// What `body` wrote to file descriptor 2 (other tests running meanwhile may add theirs).
    private static func stderr(_ body: () -> Void) -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scan-c1-stderr-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return "" }
        fflush(nil)
        let saved = dup(2)
        dup2(fd, 2)
        body()
        fflush(nil)
        dup2(saved, 2)
        close(saved)
        close(fd)
        defer { unlink(url.path) }
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    // MARK: 12. --max-pixels beyond memory

    @Test func maxPixelsIsCappedBeforeAnythingIsAllocated() throws {
        // A real JPEG whose frame header claims 65000 x 65000 pixels (4.2 gigapixels), with a
        // limit far above what memory holds: refused from the header, not by a failed allocation.
        var bytes = try Self.sample("kubu-02-lembar2.jpg")
        var i = 2
        while i + 9 < bytes.count {
            if bytes[i] == 0xFF, (0xC0...0xC2).contains(bytes[i + 1]) {
                bytes[i + 5] = 0xFD; bytes[i + 6] = 0xE8; bytes[i + 7] = 0xFD; bytes[i + 8] = 0xE8
                break
            }
            i += 1
        }
        let loader = ImageLoader(maxPixels: Int.max)
        #expect(loader.pixelLimit == ImageLoader.pixelCeiling)
        let error = #expect(throws: FormScanError.self) { try loader.decode(Data(bytes), name: "huge.jpg") }
        #expect(error == .imageTooLarge("huge.jpg", width: 65000, height: 65000, limit: ImageLoader.pixelCeiling))
        #expect(error?.description.contains("raise --max-pixels") == false)
        // The same for PNG: an IHDR claiming 100000 x 100000.
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        png += [0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0, 8, 0, 0, 0, 0]
        let crc = Self.crc32(Array(png[12...]))
        png += [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
        let idat = Self.crc32(Array("IDAT".utf8))
        png += [0, 0, 0, 0] + Array("IDAT".utf8) + [UInt8(idat >> 24), UInt8(idat >> 16 & 0xFF), UInt8(idat >> 8 & 0xFF), UInt8(idat & 0xFF)]
        png += [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82]
        #expect(throws: FormScanError.imageTooLarge("huge.png", width: 100_000, height: 100_000, limit: ImageLoader.pixelCeiling)) {
            try loader.decode(Data(png), name: "huge.png")
        }
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }
}
