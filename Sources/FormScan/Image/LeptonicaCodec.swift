import CLeptonica
import CScanShim
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
    /// Its severity-graded messages are turned off; what it prints regardless (lept_stderr, e.g.
    /// "Bad file: amount too big" from its TIFF reader) is kept per thread by the shim.
    private static let silenced: Void = {
        _ = setMsgSeverity(Int32(L_SEVERITY_NONE))
        leptSetStderrHandler(CScanShim_keepLeptonicaMessage)
    }()

    /// What Leptonica said on this thread since the last call, on one line ("" for nothing).
    private static func takeMessages() -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        _ = CScanShim_takeLeptonicaMessages(&buffer, buffer.count)
        return cString(buffer).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }

    /// `reason`, with what Leptonica said about it.
    private static func reason(_ reason: String) -> String {
        let said = takeMessages()
        return said.isEmpty ? reason : reason + ": Leptonica: " + said
    }

    static func decode(_ data: Data, name: String, maxPixels: Int) throws(FormScanError) -> LoadedImage {
        _ = silenced
        _ = takeMessages() // anything left from other work on this thread is not about this file
        // Leptonica reads uncompressed BMP files only: RLE (what ImageMagick writes for 8-bit
        // BMPs) or bit fields are valid files it cannot read, not damaged ones.
        let b = [UInt8](data.prefix(34))
        if b.count == 34, b[0] == 0x42, b[1] == 0x4D {
            let compression = UInt32(b[30]) | UInt32(b[31]) << 8 | UInt32(b[32]) << 16 | UInt32(b[33]) << 24
            let names: [UInt32: String] = [1: "RLE8", 2: "RLE4", 3: "bit fields", 4: "JPEG", 5: "PNG", 6: "alpha bit fields"]
            if compression != 0 {
                throw .unsupportedImage(name, format: "BMP", reason: (names[compression] ?? "compression \(compression)") + " compression")
            }
        }
        var format: Int32 = 0, w: Int32 = 0, h: Int32 = 0, bps: Int32 = 0, spp: Int32 = 0, cmap: Int32 = 0
        let headerRC = data.withUnsafeBytes { raw in
            pixReadHeaderMem(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &format, &w, &h, &bps, &spp, &cmap)
        }
        guard headerRC == 0 else { throw .corruptImage(name, reason: reason("unreadable image header")) }
        if Int(w) * Int(h) > maxPixels { throw .imageTooLarge(name, width: Int(w), height: Int(h), limit: maxPixels) }
        let raw = data.withUnsafeBytes { raw in pixReadMem(raw.bindMemory(to: UInt8.self).baseAddress, raw.count) }
        let said = takeMessages()
        let pix = try Pix(taking: raw, orThrow: .corruptImage(name, reason: "Leptonica could not decode it" + (said.isEmpty ? "" : ": Leptonica: " + said)))
        // With its graded messages off, Leptonica prints only when its reader hit bad data (a
        // TIFF strip past the end of the file) even if it made a picture of the rest anyway.
        if !said.isEmpty { throw .damagedImage(name, reason: "Leptonica: " + said) }
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

/// Leptonica's built-in bitmap font (compiled into the library, no font files needed), for the
/// text on annotated pictures. One font per size, created once, destroyed with the process.
final class BitmapFont: @unchecked Sendable {
    private var bmf: UnsafeMutablePointer<L_BMF>?
    private let lock = NSLock()

    /// `size`: Leptonica's point sizes 4, 6, 8 … 20 (at 300 ppi: 10 is about 20 px tall).
    init?(size: Int) {
        _ = setMsgSeverity(Int32(L_SEVERITY_NONE))
        leptSetStderrHandler(CScanShim_keepLeptonicaMessage)
        guard let b = bmfCreate(nil, Int32(size)) else { return nil }
        bmf = b
    }

    deinit { bmfDestroy(&bmf) }

    var lineHeight: Int { Int(bmf!.pointee.lineheight) }

    /// The text as an ink mask (255 = ink); ≤ ≥ … and dashes are spelled in ASCII, any other
    /// character outside printable ASCII becomes '?'.
    func render(_ text: String) -> GrayImage {
        lock.lock(); defer { lock.unlock() }
        let spelled = text.replacingOccurrences(of: "≤", with: "<=").replacingOccurrences(of: "≥", with: ">=")
            .replacingOccurrences(of: "…", with: "...").replacingOccurrences(of: "–", with: "-").replacingOccurrences(of: "—", with: "-")
            .replacingOccurrences(of: "×", with: "x").replacingOccurrences(of: "✓", with: "ok").replacingOccurrences(of: "✗", with: "X")
        let ascii = String(spelled.unicodeScalars.map { (32...126).contains($0.value) ? Character($0) : "?" })
        var width: Int32 = 0
        _ = ascii.withCString { bmfGetStringWidth(bmf, $0, &width) }
        let h = Int(bmf!.pointee.lineheight) + 4
        let w = max(1, Int(width) + 4)
        guard let pix = pixCreate(Int32(w), Int32(h), 1) else { return GrayImage(width: w, height: h, fill: 0) }
        var owned: UnsafeMutablePointer<PIX>? = pix
        defer { pixDestroy(&owned) }
        var baseline: Int32 = 0
        bmfGetBaseline(bmf, 77 /* 'M' */, &baseline)
        var drawn: Int32 = 0, overflow: Int32 = 0
        _ = ascii.withCString { pixSetTextline(pix, bmf, $0, 1, 2, baseline + 2, &drawn, &overflow) }
        var out = GrayImage(width: w, height: h, fill: 0)
        let wpl = Int(pixGetWpl(pix))
        guard let words = pixGetData(pix) else { return out }
        for y in 0..<h {
            for x in 0..<w where (words[y * wpl + x >> 5] >> UInt32(31 - (x & 31))) & 1 == 1 { out[x, y] = 255 }
        }
        return out
    }
}
