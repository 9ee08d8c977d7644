import CScanShim
import DigitReader
import Foundation

/// Loads images by their content, never by their file name (KPU published JPEG data as `.png`).
public struct ImageLoader: Sendable {
    /// Refuse images with more pixels than this (a 12 MP photo is 12,000,000); never more than
    /// `pixelCeiling`, whatever is asked.
    public var maxPixels: Int
    /// Decode large JPEGs shrunk inside the DCT so that the longer side is at least this.
    public var workingLongSide: Int

    /// The most pixels a page may have, whatever `maxPixels` says (a 1200 dpi A4 scan is 140
    /// million): decoding holds up to 6 bytes a pixel (Leptonica's 32-bit picture, its gray
    /// copy, ours), once per batch worker, so beyond this a page would not fit in memory and
    /// the process would abort in an allocation ("failed to allocate"). Checked from the
    /// header, before any pixel is allocated.
    public static let pixelCeiling = 250_000_000

    public init(maxPixels: Int = 64_000_000, workingLongSide: Int = 2400) {
        self.maxPixels = maxPixels
        self.workingLongSide = workingLongSide
    }

    /// `maxPixels` within `pixelCeiling`.
    var pixelLimit: Int { max(0, min(maxPixels, Self.pixelCeiling)) }

    public enum Format: String, Sendable { case jpeg, png, heif, other }

    /// Sniffs the format from the first bytes (HEIC/AVIF: the brands of the leading ftyp box).
    public static func sniff(_ data: Data) -> Format? {
        let b = [UInt8](data.prefix(12))
        if b.count >= 3, b[0] == 0xFF, b[1] == 0xD8, b[2] == 0xFF { return .jpeg }
        if b.count >= 8, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if HEIFCodec.isHEIF(data) { return .heif }
        if b.count >= 4, (b[0..<4] == [0x49, 0x49, 0x2A, 0x00] || b[0..<4] == [0x4D, 0x4D, 0x00, 0x2A]) { return .other } // TIFF
        if b.count >= 2, b[0] == 0x42, b[1] == 0x4D { return .other } // BMP
        if b.count >= 4, b[0..<4] == [0x47, 0x49, 0x46, 0x38] { return .other } // GIF
        if b.count >= 12, b[0..<4] == [0x52, 0x49, 0x46, 0x46], b[8..<12] == [0x57, 0x45, 0x42, 0x50] { return .other } // WebP
        if b.count >= 2, b[0] == 0x50, (0x31...0x36).contains(b[1]) { return .other } // PNM
        return nil
    }

    /// Reads and decodes `path` to grayscale, honouring EXIF orientation.
    public func load(_ path: String) throws(FormScanError) -> LoadedImage {
        try decode(try Self.readFile(path), name: path)
    }

    /// The bytes of the regular file at `path`, read once into memory (not mapped, so they
    /// cannot change while they are hashed and decoded). A FIFO, a device or a socket is
    /// refused from `stat` before it is opened, and the file is opened non-blocking and
    /// checked again on the open descriptor, so a FIFO put in its place never blocks us.
    /// With `whole`, a file that is no image is read to its end too (the batch stores the hash
    /// of the bytes read, which must be the whole file's).
    public static func readFile(_ path: String, whole: Bool = false) throws(FormScanError) -> Data {
        var st = stat()
        if stat(path, &st) != 0 {
            let e = errno
            if e == ENOENT || e == ENOTDIR || e == ELOOP { throw .fileNotFound(path) }
            throw .fileUnreadable(path, reason: e == EACCES ? "permission denied" : String(cString: strerror(e)))
        }
        try refuseIfNotRegular(st, path)
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            if e == ENOENT { throw .fileNotFound(path) }
            throw .fileUnreadable(path, reason: e == EACCES || e == EPERM ? "permission denied" : String(cString: strerror(e)))
        }
        defer { close(fd) }
        if fstat(fd, &st) != 0 { throw .fileUnreadable(path, reason: String(cString: strerror(errno))) }
        try refuseIfNotRegular(st, path)
        var data = Data()
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .fileUnreadable(path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            if data.isEmpty {
                // A file that is not an image is refused from its first bytes, not read whole.
                data.reserveCapacity(max(Int(st.st_size), n))
                data.append(contentsOf: buffer[0..<n])
                if !whole, data.count >= 16, sniff(data) == nil { return data }
            } else {
                data.append(contentsOf: buffer[0..<n])
            }
        }
        return data
    }

    private static func refuseIfNotRegular(_ st: stat, _ path: String) throws(FormScanError) {
        switch st.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw .fileUnreadable(path, reason: "it is a folder")
        case S_IFIFO: throw .notARegularFile(path, what: "a FIFO (named pipe)")
        case S_IFCHR: throw .notARegularFile(path, what: "a character device")
        case S_IFBLK: throw .notARegularFile(path, what: "a block device")
        case S_IFSOCK: throw .notARegularFile(path, what: "a socket")
        default: throw .notARegularFile(path, what: "not a file")
        }
    }

    /// Decodes in-memory image data; `name` is used in error messages.
    public func decode(_ data: Data, name: String) throws(FormScanError) -> LoadedImage {
        if data.isEmpty { throw .emptyFile(name) }
        guard let format = Self.sniff(data) else { throw .notAnImage(name) }
        let loaded: LoadedImage
        let limit = pixelLimit
        switch format {
        case .jpeg: loaded = try JPEGCodec.decode(data, name: name, maxPixels: limit, workingLongSide: workingLongSide)
        case .png: loaded = try PNGCodec.decode(data, name: name, maxPixels: limit)
        case .heif: loaded = try HEIFCodec.decode(data, name: name, maxPixels: limit)
        case .other: loaded = try LeptonicaCodec.decode(data, name: name, maxPixels: limit)
        }
        return loaded
    }
}

/// A decoded image with what we learnt while decoding it.
public struct LoadedImage: Sendable {
    public var image: GrayImage
    /// Pixel size of the file before any decode-time shrinking.
    public var originalWidth: Int
    public var originalHeight: Int
    /// The EXIF orientation that was applied (1 = none).
    public var exifOrientation: Int
    public var format: ImageLoader.Format
}

/// JPEG through libjpeg, via the C shim (libjpeg's error exit needs setjmp/longjmp).
enum JPEGCodec {
    static func decode(_ data: Data, name: String, maxPixels: Int, workingLongSide: Int) throws(FormScanError) -> LoadedImage {
        var message = [CChar](repeating: 0, count: 256)
        var w: Int32 = 0, h: Int32 = 0, orientation: Int32 = 0
        let infoRC = data.withUnsafeBytes { raw in
            CScanShim_jpegInfo(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &w, &h, &orientation, &message, message.count)
        }
        if infoRC != Int32(CScanShim_OK) { throw error(infoRC, name, message) }
        if Int(w) * Int(h) > maxPixels { throw .imageTooLarge(name, width: Int(w), height: Int(h), limit: maxPixels) }
        var denom: Int32 = 1
        while denom < 8, Int(max(w, h)) / Int(denom * 2) >= workingLongSide { denom *= 2 }
        var pixels: UnsafeMutablePointer<UInt8>?
        var ow: Int32 = 0, oh: Int32 = 0
        let rc = data.withUnsafeBytes { raw in
            CScanShim_decodeJPEGGray(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, denom, UInt64(maxPixels),
                                     &pixels, &ow, &oh, &message, message.count)
        }
        if rc == Int32(CScanShim_TOO_LARGE) { throw .imageTooLarge(name, width: Int(w), height: Int(h), limit: maxPixels) }
        if rc != Int32(CScanShim_OK) { throw error(rc, name, message) }
        guard let pixels else { throw .corruptImage(name, reason: "no pixels") }
        defer { CScanShim_free(pixels) }
        let buffer = [UInt8](UnsafeBufferPointer(start: pixels, count: Int(ow) * Int(oh)))
        var image = GrayImage(width: Int(ow), height: Int(oh), pixels: buffer)
        image = Orientation.apply(exif: Int(orientation), to: image)
        return LoadedImage(image: image, originalWidth: Int(w), originalHeight: Int(h),
                           exifOrientation: orientation == 0 ? 1 : Int(orientation), format: .jpeg)
    }

    /// The typed error for a shim outcome other than OK and TOO_LARGE.
    private static func error(_ rc: Int32, _ name: String, _ message: [CChar]) -> FormScanError {
        let why = cString(message)
        switch Int(rc) {
        case Int(CScanShim_TRUNCATED): return .truncatedImage(name)
        case Int(CScanShim_DAMAGED): return .damagedImage(name, reason: "libjpeg: " + why)
        case Int(CScanShim_UNSUPPORTED): return .unsupportedImage(name, format: "JPEG", reason: why)
        default: return .corruptImage(name, reason: why)
        }
    }

    /// Encodes gray (1 component) or RGB (3) pixels as JPEG.
    static func encode(_ pixels: [UInt8], width: Int, height: Int, components: Int, quality: Int = 90) throws(FormScanError) -> Data {
        var message = [CChar](repeating: 0, count: 256)
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        let rc = pixels.withUnsafeBufferPointer { p in
            CScanShim_encodeJPEG(p.baseAddress, Int32(width), Int32(height), Int32(components), Int32(quality), &out, &length, &message, message.count)
        }
        guard rc == Int32(CScanShim_OK), let out else { throw .writeFailed("jpeg", reason: cString(message)) }
        defer { CScanShim_free(out) }
        return Data(bytes: out, count: length)
    }
}

/// EXIF orientation tags 1–8 applied to pixels.
enum Orientation {
    static func apply(exif: Int, to image: GrayImage) -> GrayImage {
        switch exif {
        case 3: return image.rotated(quarterTurns: 2)
        case 6: return image.rotated(quarterTurns: 1)
        case 8: return image.rotated(quarterTurns: 3)
        case 2, 4, 5, 7:
            // mirrored variants: mirror horizontally, then rotate
            var m = image
            for y in 0..<image.height { for x in 0..<image.width { m[x, y] = image[image.width - 1 - x, y] } }
            switch exif {
            case 4: return m.rotated(quarterTurns: 2)
            case 5: return m.rotated(quarterTurns: 3)
            case 7: return m.rotated(quarterTurns: 1)
            default: return m
            }
        default: return image
        }
    }
}

/// A NUL-terminated C buffer as a Swift string.
func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
