import CAprilTag
import DigitReader

/// An AprilTag found in an image.
public struct AprilTag: Sendable, Codable, Equatable {
    public var id: Int
    /// Bits that had to be corrected to decode it (0 = read cleanly).
    public var hamming: Int
    /// How far the tag's bits were from the black/white threshold (larger is surer; the 2024
    /// sample photos decode at 110-180).
    public var decisionMargin: Double
    /// Centre, in pixels of the image searched.
    public var x: Double, y: Double
}

/// Finds the 36h10 AprilTags printed on the 2024 C.Hasil pages (ids 101-103 beside the title:
/// pages 1-3). All libapriltag calls live in this file.
///
/// Owns a detector and its tag family (whose decoding table takes a moment to build): keep one
/// per worker; not thread-safe.
public final class AprilTagDetector {
    private let family: UnsafeMutablePointer<apriltag_family_t>
    private let detector: UnsafeMutablePointer<apriltag_detector_t>

    /// - Parameter decimate: quads are looked for on a copy this many times smaller (the
    ///   bits are still read at full size): 2 halves the work on a whole page.
    public init(decimate: Float = 1) {
        family = tag36h10_create()
        detector = apriltag_detector_create()
        apriltag_detector_add_family_bits(detector, family, 1)
        detector.pointee.nthreads = 1
        detector.pointee.quad_decimate = decimate
    }

    deinit {
        apriltag_detector_destroy(detector)
        tag36h10_destroy(family)
    }

    /// The tags in `image`, searched on a copy whose long side is at most `longSide` pixels
    /// (a whole 12 MP photo of a page: its tag is still 25-40 px there); centres in `image`'s
    /// pixels.
    public func detect(_ image: GrayImage, longSide: Int = AprilTagDetector.searchSize) -> [AprilTag] {
        let scale = min(1, Double(longSide) / Double(max(image.width, image.height)))
        let small = scale < 1 ? image.resized(width: max(1, Int(Double(image.width) * scale)), height: max(1, Int(Double(image.height) * scale))) : image
        var pixels = small.pixels
        return pixels.withUnsafeMutableBufferPointer { buffer -> [AprilTag] in
            var u8 = image_u8_t(width: Int32(small.width), height: Int32(small.height), stride: Int32(small.width), buf: buffer.baseAddress)
            guard let found = apriltag_detector_detect(detector, &u8) else { return [] }
            defer { apriltag_detections_destroy(found) }
            var tags: [AprilTag] = []
            for i in 0..<Int(found.pointee.size) {
                var det: UnsafeMutablePointer<apriltag_detection_t>?
                withUnsafeMutableBytes(of: &det) { zarray_get(found, Int32(i), $0.baseAddress) }
                guard let d = det?.pointee else { continue }
                tags.append(AprilTag(id: Int(d.id), hamming: Int(d.hamming), decisionMargin: Double(d.decision_margin),
                                     x: d.c.0 / scale, y: d.c.1 / scale))
            }
            return tags
        }
    }

    /// Long side of the copy searched.
    public static let searchSize = 800
}
