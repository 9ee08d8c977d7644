import CLeptonica
import DigitReader
import Foundation

/// A Leptonica image, destroyed exactly once.
struct Pix: ~Copyable {
    private var pointer: UnsafeMutablePointer<PIX>?

    init(taking pointer: UnsafeMutablePointer<PIX>?, orThrow error: FormScanError) throws(FormScanError) {
        guard let pointer else { throw error }
        self.pointer = pointer
    }

    /// Lends the raw pointer for the duration of `body` only.
    func withUnsafePointer<R>(_ body: (UnsafeMutablePointer<PIX>) -> R) -> R {
        body(pointer!)
    }

    deinit {
        var p = pointer
        if p != nil { pixDestroy(&p) }
    }
}

/// Formats other than JPEG and PNG (TIFF, BMP, GIF, WebP, PNM) through Leptonica.
/// Every Leptonica call lives in this file.
enum LeptonicaCodec {
    /// Leptonica reports problems on stderr by default; we report them as Swift errors instead.
    private static let silenced: Void = { _ = setMsgSeverity(Int32(L_SEVERITY_NONE)) }()

    static func decode(_ data: Data, name: String, maxPixels: Int) throws(FormScanError) -> LoadedImage {
        _ = silenced
        var format: Int32 = 0, w: Int32 = 0, h: Int32 = 0, bps: Int32 = 0, spp: Int32 = 0, cmap: Int32 = 0
        let headerRC = data.withUnsafeBytes { raw in
            pixReadHeaderMem(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &format, &w, &h, &bps, &spp, &cmap)
        }
        guard headerRC == 0 else { throw .corruptImage(name, reason: "unreadable image header") }
        if Int(w) * Int(h) > maxPixels { throw .imageTooLarge(name, width: Int(w), height: Int(h), limit: maxPixels) }
        let raw = data.withUnsafeBytes { raw in pixReadMem(raw.bindMemory(to: UInt8.self).baseAddress, raw.count) }
        let pix = try Pix(taking: raw, orThrow: .corruptImage(name, reason: "Leptonica could not decode it"))
        let gray = try Pix(taking: pix.withUnsafePointer { pixConvertTo8($0, 0) },
                           orThrow: .corruptImage(name, reason: "cannot convert to 8-bit gray"))
        let image: GrayImage = gray.withUnsafePointer { p in
            let width = Int(pixGetWidth(p)), height = Int(pixGetHeight(p)), wpl = Int(pixGetWpl(p))
            var pixels = [UInt8](repeating: 255, count: width * height)
            guard let words = pixGetData(p) else { return GrayImage(width: width, height: height, pixels: pixels) }
            words.withMemoryRebound(to: UInt8.self, capacity: wpl * 4 * height) { bytes in
                for y in 0..<height {
                    let line = bytes + y * wpl * 4
                    // Leptonica stores bytes big-endian within each 32-bit word.
                    for x in 0..<width { pixels[y * width + x] = line[x ^ 3] }
                }
            }
            return GrayImage(width: width, height: height, pixels: pixels)
        }
        return LoadedImage(image: image, originalWidth: Int(w), originalHeight: Int(h), exifOrientation: 1, format: .other)
    }
}
