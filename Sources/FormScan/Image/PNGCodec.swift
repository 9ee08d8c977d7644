import CPNG
import DigitReader
import Foundation

/// PNG through libpng's simplified API (it handles libpng's setjmp internally).
/// Every libpng call lives in this file.
enum PNGCodec {
    private static func errorText(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    static func decode(_ data: Data, name: String, maxPixels: Int) throws(FormScanError) -> LoadedImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begin = data.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard begin != 0 else {
            let why = errorText(image)
            png_image_free(&image)
            throw .corruptImage(name, reason: why)
        }
        let w = Int(image.width), h = Int(image.height)
        if w * h > maxPixels {
            png_image_free(&image)
            throw .imageTooLarge(name, width: w, height: h, limit: maxPixels)
        }
        image.format = UInt32(PNG_FORMAT_GRAY)
        var pixels = [UInt8](repeating: 255, count: w * h)
        let ok = data.withUnsafeBytes { _ in
            pixels.withUnsafeMutableBytes { out in
                png_image_finish_read(&image, nil, out.baseAddress, Int32(w), nil)
            }
        }
        let why = errorText(image)
        png_image_free(&image)
        guard ok != 0 else {
            if why.contains("EOF") || why.contains("end") || why.contains("truncat") { throw .truncatedImage(name) }
            throw .corruptImage(name, reason: why)
        }
        return LoadedImage(image: GrayImage(width: w, height: h, pixels: pixels),
                           originalWidth: w, originalHeight: h, exifOrientation: 1, format: .png)
    }

    /// Writes 8-bit RGB (3 bytes a pixel) or gray pixels as a PNG file.
    static func write(_ pixels: [UInt8], width: Int, height: Int, components: Int, to path: String) throws(FormScanError) {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = components == 3 ? 0x02 : 0x00 // PNG_FORMAT_RGB (= PNG_FORMAT_FLAG_COLOR) or PNG_FORMAT_GRAY; the macros do not import
        let ok = pixels.withUnsafeBytes { raw in
            path.withCString { p in
                png_image_write_to_file(&image, p, 0, raw.baseAddress, Int32(width * components), nil)
            }
        }
        let why = errorText(image)
        png_image_free(&image)
        if ok == 0 { throw .writeFailed(path, reason: why) }
    }
}
