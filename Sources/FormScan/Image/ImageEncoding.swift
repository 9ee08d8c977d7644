import DigitReader
import Foundation

/// Pictures as bytes, for a caller that sends them rather than writes them (the review page).
extension ImageWriter {
    /// JPEG bytes of a gray picture (quality 1–100).
    public static func jpegData(_ image: GrayImage, quality: Int = 80) throws(FormScanError) -> Data {
        try JPEGCodec.encode(image.pixels, width: image.width, height: image.height, components: 1, quality: quality)
    }

    /// JPEG bytes of a colour picture (quality 1–100).
    public static func jpegData(_ image: RGBImage, quality: Int = 80) throws(FormScanError) -> Data {
        try JPEGCodec.encode(image.pixels, width: image.width, height: image.height, components: 3, quality: quality)
    }
}
