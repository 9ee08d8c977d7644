import CScanShim
import Foundation
import FormScan

// libFuzzer's entry point (libFuzzer brings main): every input goes through the image loaders
// by content (JPEG, PNG, HEIF, TIFF/BMP/GIF/WebP/PNM through Leptonica) and through the EXIF
// parser as an APP1 payload, both as it is and behind "Exif\0\0" so that the mutations reach
// the TIFF header and IFD. Any outcome but a crash, a sanitizer report, a leak or a hang is fine.
// A limit of 4 MP keeps each input's decode short (bigger headers are refused before allocating).
private let loader = ImageLoader(maxPixels: 4_000_000, workingLongSide: 600)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImages(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let bytes, count > 0 else { return 0 }
    _ = CScanShim_exifOrientationFromAPP1(bytes, count)
    var exif = [UInt8]("Exif".utf8) + [0, 0]
    exif.append(contentsOf: UnsafeBufferPointer(start: bytes, count: min(count, 4096)))
    _ = exif.withUnsafeBufferPointer { CScanShim_exifOrientationFromAPP1($0.baseAddress, $0.count) }
    let data = Data(bytes: bytes, count: count)
    _ = try? loader.decode(data, name: "fuzz")
    return 0
}
