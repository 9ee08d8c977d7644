import DigitReader
import Foundation

/// An 8-bit RGB picture for annotated output.
public struct RGBImage: Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(_ gray: GrayImage) {
        width = gray.width
        height = gray.height
        var p = [UInt8](repeating: 0, count: gray.width * gray.height * 3)
        for i in 0..<gray.pixels.count { p[3 * i] = gray.pixels[i]; p[3 * i + 1] = gray.pixels[i]; p[3 * i + 2] = gray.pixels[i] }
        pixels = p
    }

    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (255, 255, 255)) {
        self.width = width
        self.height = height
        var p = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) { p[3 * i] = fill.0; p[3 * i + 1] = fill.1; p[3 * i + 2] = fill.2 }
        pixels = p
    }

    public mutating func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = 3 * (y * width + x)
        pixels[i] = c.0; pixels[i + 1] = c.1; pixels[i + 2] = c.2
    }

    /// Draws an axis-aligned rectangle outline `thickness` pixels wide.
    public mutating func strokeRect(x: Int, y: Int, width w: Int, height h: Int, color: (UInt8, UInt8, UInt8), thickness: Int = 2) {
        for t in 0..<thickness {
            for xx in x..<(x + w) { set(xx, y + t, color); set(xx, y + h - 1 - t, color) }
            for yy in y..<(y + h) { set(x + t, yy, color); set(x + w - 1 - t, yy, color) }
        }
    }

    /// Copies a gray image in at (x, y).
    public mutating func paste(_ g: GrayImage, x: Int, y: Int) {
        for yy in 0..<g.height { for xx in 0..<g.width { let v = g[xx, yy]; set(x + xx, y + yy, (v, v, v)) } }
    }
}

/// Writes pictures as PNG or JPEG, chosen by the file name's extension.
public enum ImageWriter {
    public static func write(_ image: RGBImage, to path: String) throws(FormScanError) {
        let lower = path.lowercased()
        if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") {
            let data = try JPEGCodec.encode(image.pixels, width: image.width, height: image.height, components: 3)
            do { try data.write(to: URL(fileURLWithPath: path)) } catch { throw .writeFailed(path, reason: error.localizedDescription) }
        } else {
            try PNGCodec.write(image.pixels, width: image.width, height: image.height, components: 3, to: path)
        }
    }

    public static func write(_ image: GrayImage, to path: String) throws(FormScanError) {
        try write(RGBImage(image), to: path)
    }
}
