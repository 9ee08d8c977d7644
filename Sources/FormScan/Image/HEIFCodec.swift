import CHeif
import DigitReader
import Foundation

/// HEIC (iPhone photos) and AVIF through libheif. Every libheif call lives in this file.
/// libheif reports errors as values, never by longjmp, so no C shim is needed.
enum HEIFCodec {
    /// The brands of an ftyp box that name a HEIF still image (HEVC, AV1 or any codec).
    private static let imageBrands: Set<String> = [
        "heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1", "mif2", "avif", "avis",
    ]

    /// The major and compatible brands of a leading ftyp box (within its first 64 bytes):
    /// `size(4) "ftyp" major(4) minor(4) compatible(4)*`; none when there is no such box.
    private static func brands(_ data: Data) -> [String] {
        let b = [UInt8](data.prefix(64))
        guard b.count >= 12, b[4..<8] == [0x66, 0x74, 0x79, 0x70] else { return [] } // "ftyp"
        let size = Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
        let end = min(b.count, size >= 16 ? size : 12)
        func brand(_ at: Int) -> String { String(decoding: b[at..<(at + 4)], as: UTF8.self) }
        var found = [brand(8)]
        var at = 16
        while at + 4 <= end {
            found.append(brand(at))
            at += 4
        }
        return found
    }

    /// True when the data starts with an ftyp box whose major or compatible brands name a
    /// HEIF image (ISO/IEC 23008-12).
    static func isHEIF(_ data: Data) -> Bool {
        brands(data).contains { imageBrands.contains($0) }
    }

    /// libheif's plugins are loaded once per process.
    private static let initialised: Void = { _ = heif_init(nil) }()

    /// libheif's libaom decoder for AV1, when it has one: its dav1d decoder prints every
    /// problem of a damaged AVIF on stderr ("Error parsing OBU data"), libaom prints nothing.
    /// (A C string that lives as long as the process.)
    nonisolated(unsafe) private static let av1Decoder: UnsafePointer<CChar>? = { // never written after this
        _ = initialised
        var found = [OpaquePointer?](repeating: nil, count: 8)
        let n = Int(heif_get_decoder_descriptors(heif_compression_AV1, &found, Int32(found.count)))
        for d in found.prefix(n) {
            if let d, let id = heif_decoder_descriptor_get_id_name(d), String(cString: id) == "aom" { return UnsafePointer(strdup("aom")) }
        }
        return nil
    }()

    /// A libheif error as ours: data that ends too early, a kind libheif cannot decode, or damage.
    private static func error(_ e: heif_error, _ name: String) -> FormScanError {
        let why = e.message.map { String(cString: $0) } ?? "libheif error \(e.code.rawValue)"
        switch e.code {
        case heif_error_Unsupported_feature, heif_error_Unsupported_filetype:
            return .unsupportedImage(name, format: "HEIF", reason: why)
        case heif_error_Invalid_input where e.subcode == heif_suberror_End_of_data:
            return .truncatedImage(name)
        case heif_error_Decoder_plugin_error:
            return .damagedImage(name, reason: "libheif: " + why)
        default:
            return .corruptImage(name, reason: why)
        }
    }

    /// The largest side libheif may decode (its security limit, per side).
    static let sideLimit: Int32 = 16384

    static func decode(_ data: Data, name: String, maxPixels: Int) throws(FormScanError) -> LoadedImage {
        _ = initialised
        let result: Result<LoadedImage, FormScanError> = data.withUnsafeBytes { raw in
            guard let ctx = heif_context_alloc() else { return .failure(.corruptImage(name, reason: "libheif: out of memory")) }
            defer { heif_context_free(ctx) }
            // libheif 1.15 (Debian 12) checks a grid's output size only against its own limit
            // (32768 a side) and then overflows 32-bit offsets writing the tiles of a grid over
            // 2 GB: a 535-byte file claiming a 26991x30316 grid crashed it (found by
            // scripts/fuzz, kept in scripts/fuzz/known-crashes). The limit is per side: 16384 keeps
            // any RGB image under 2^31 bytes and every phone photo (48 MP: 8064x6048) inside;
            // our pixel limit is checked before and after decoding as for every format.
            heif_context_set_maximum_image_size_limit(ctx, Self.sideLimit)
            // libheif reads from our bytes without copying them: they outlive the context here.
            var e = heif_context_read_from_memory_without_copy(ctx, raw.baseAddress, raw.count, nil)
            if e.code != heif_error_Ok { return .failure(error(e, name)) }
            var handle: OpaquePointer?
            e = heif_context_get_primary_image_handle(ctx, &handle)
            guard e.code == heif_error_Ok, let handle else { return .failure(error(e, name)) }
            defer { heif_image_handle_release(handle) }
            // Checked before anything is allocated for the pixels (the size after rotation has
            // the same number of pixels).
            let w = Int(heif_image_handle_get_width(handle)), h = Int(heif_image_handle_get_height(handle))
            if w <= 0 || h <= 0 { return .failure(.corruptImage(name, reason: "no image size")) }
            if w * h > maxPixels { return .failure(.imageTooLarge(name, width: w, height: h, limit: maxPixels)) }
            guard let options = heif_decoding_options_alloc() else { return .failure(.corruptImage(name, reason: "libheif: out of memory")) }
            defer { heif_decoding_options_free(options) }
            options.pointee.ignore_transformations = 0 // apply the file's rotation, mirroring and crop
            options.pointee.convert_hdr_to_8bit = 1
            options.pointee.strict_decoding = 1        // an error for invalid data, not a best guess
            if brands(data).contains(where: { $0 == "avif" || $0 == "avis" }) { options.pointee.decoder_id = av1Decoder }
            var img: OpaquePointer?
            e = heif_decode_image(handle, &img, heif_colorspace_RGB, heif_chroma_interleaved_RGB, options)
            guard e.code == heif_error_Ok, let img else { return .failure(error(e, name)) }
            defer { heif_image_release(img) }
            var warning = heif_error(code: heif_error_Ok, subcode: heif_suberror_Unspecified, message: nil)
            if heif_image_get_decoding_warnings(img, 0, &warning, 1) > 0 {
                return .failure(.damagedImage(name, reason: "libheif: " + (warning.message.map { String(cString: $0) } ?? "decoding warning")))
            }
            let ow = Int(heif_image_get_width(img, heif_channel_interleaved))
            let oh = Int(heif_image_get_height(img, heif_channel_interleaved))
            var stride: Int32 = 0
            guard ow > 0, oh > 0, ow * oh <= maxPixels, let plane = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride),
                  Int(stride) >= 3 * ow else {
                return .failure(.corruptImage(name, reason: "libheif gave no RGB pixels"))
            }
            var pixels = [UInt8](repeating: 255, count: ow * oh)
            for y in 0..<oh {
                let row = plane + y * Int(stride)
                for x in 0..<ow {
                    // The luma weights libjpeg uses for its RGB-to-gray conversion.
                    let r = UInt32(row[3 * x]), g = UInt32(row[3 * x + 1]), b = UInt32(row[3 * x + 2])
                    pixels[y * ow + x] = UInt8((19595 * r + 38470 * g + 7471 * b + 32768) >> 16)
                }
            }
            // The EXIF orientation of a HEIF file is informative only: its irot/imir boxes,
            // applied by libheif above, are what turns the picture.
            return .success(LoadedImage(image: GrayImage(width: ow, height: oh, pixels: pixels),
                                        originalWidth: w, originalHeight: h, exifOrientation: 1, format: .heif))
        }
        return try result.get()
    }
}
