/// What can go wrong while scanning a page, each said with what to do about it.
public enum FormScanError: Error, CustomStringConvertible, Equatable {
    case fileNotFound(String)
    case fileUnreadable(String, reason: String)
    case emptyFile(String)
    case notAnImage(String)
    case truncatedImage(String)
    case corruptImage(String, reason: String)
    case imageTooLarge(String, width: Int, height: Int, limit: Int)
    case imageTooSmall(String, width: Int, height: Int)
    case templateNotFound(String, known: [String])
    case templateInvalid(file: String, reason: String)
    case noFormFound(String)
    case wrongPage(String, template: String, score: Double)
    /// The page's AprilTag names another template than the one asked for (`-t`).
    case tagContradicts(String, template: String, tag: Int, tagTemplate: String)
    case writeFailed(String, reason: String)
    /// The page was found but the picture is too poor to read: retake it.
    case poorImage(String, problems: [String])
    /// A FIFO, a device, a socket…: `what` names it. Never opened for reading (a FIFO would block).
    case notARegularFile(String, what: String)
    /// The decoder met corrupt data inside the image and would have made up the missing part:
    /// a problem of the file, never a source of numbers.
    case damagedImage(String, reason: String)
    /// A valid image of a kind we do not decode (`format`: "JPEG", "HEIF"…; `reason`: which kind).
    case unsupportedImage(String, format: String, reason: String)

    /// A short stable name for the kind of failure (batch database, reports).
    public var kind: String {
        switch self {
        case .fileNotFound: return "not-found"
        case .fileUnreadable: return "unreadable"
        case .emptyFile: return "empty"
        case .notAnImage: return "not-an-image"
        case .truncatedImage: return "truncated"
        case .corruptImage: return "corrupt"
        case .imageTooLarge: return "too-large"
        case .imageTooSmall: return "too-small"
        case .templateNotFound, .templateInvalid: return "template"
        case .noFormFound: return "no-form"
        case .wrongPage, .tagContradicts: return "wrong-page"
        case .writeFailed: return "write-failed"
        case .poorImage: return "poor-image"
        case .notARegularFile: return "not-a-file"
        case .damagedImage: return "damaged"
        case .unsupportedImage: return "unsupported"
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let p): return "\(p): no such file"
        case .fileUnreadable(let p, let why): return "\(p): cannot be read (\(why)): check the permissions"
        case .emptyFile(let p): return "\(p): the file is empty: copy it again from the phone or camera"
        case .notAnImage(let p): return "\(p): not a JPEG, PNG, HEIC, AVIF, TIFF, BMP, GIF or WebP image"
        case .truncatedImage(let p): return "\(p): the image data is cut short (truncated file): copy it again"
        case .corruptImage(let p, let why): return "\(p): the image is damaged (\(why)): copy it again"
        case .imageTooLarge(let p, let w, let h, let limit) where limit >= ImageLoader.pixelCeiling:
            return "\(p): \(w)x\(h) pixels is more than the \(limit) pixels a page may have here (the memory it needs): shrink the image"
        case .imageTooLarge(let p, let w, let h, let limit):
            return "\(p): \(w)x\(h) pixels is more than the limit of \(limit) pixels: shrink the image or raise --max-pixels"
        case .imageTooSmall(let p, let w, let h):
            return "\(p): \(w)x\(h) pixels is too small to read handwritten digits: scan or photograph at a higher resolution"
        case .templateNotFound(let id, let known):
            return "no template '\(id)' (known: \(known.joined(separator: ", ")))"
        case .templateInvalid(let file, let why): return "template \(file) is invalid: \(why)"
        case .noFormFound(let p):
            return "\(p): not a known C1/C.Hasil page: the ruled lines of none of the known pages (`scan-c1 templates`) were found; is the whole page in the image?"
        case .wrongPage(let p, let t, let score):
            return "\(p): this does not look like \(t) (only \(Int((score * 100).rounded()))% of its ruled lines were found): is it the right page and the right template?"
        case .tagContradicts(let p, let t, let tag, let named):
            return "\(p): this is not \(t): its AprilTag \(tag) says it is \(named); scan it with -t \(named) or --template auto"
        case .writeFailed(let p, let why): return "\(p): cannot write (\(why))"
        case .poorImage(let p, let problems): return "\(p): retake the photo: " + problems.joined(separator: "; ")
        case .notARegularFile(let p, let what): return "\(p): not a regular file (\(what)): give the path of a photo or scan"
        case .damagedImage(let p, let why):
            return "\(p): the file is damaged (\(why)), its picture cannot be trusted: copy it again from the phone or camera"
        case .unsupportedImage(let p, let format, let why):
            return "\(p): unsupported \(format) variant (\(why)): save it again as an ordinary JPEG or PNG"
        }
    }
}
