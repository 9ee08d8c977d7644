import Batch
import DigitReader
import FormScan
import Foundation
import Synchronization

/// The pictures of the review page, made from the database's own records: the image path and
/// the registration stored with each page (no path from a request reaches the file system).
/// The page is loaded the way `batch` loaded it, turned and laid into the template's frame,
/// so the template's box coordinates fall on its boxes.
final class PageImages: Sendable {
    enum Failure: Error { case noPage, unreadable(String), encoding(String) }

    let database: ScanDatabase
    let store: TemplateStore
    let loader: ImageLoader
    /// Relative image paths are looked up from here when not found from the working folder.
    let baseFolder: String
    /// The pages most recently looked at, upright (a page is ~2 MB of pixels).
    private let cache = Mutex<[(Int64, GrayImage)]>([])
    private let cacheSize = 6
    /// Long side of the page picture sent (the crops come from the full page).
    let pageLongSide = 1400

    init(database: ScanDatabase, store: TemplateStore, loader: ImageLoader = ImageLoader(), baseFolder: String) {
        self.database = database; self.store = store; self.loader = loader; self.baseFolder = baseFolder
    }

    func upright(_ imageID: Int64) throws(Failure) -> GrayImage {
        if let hit = cache.withLock({ c in c.first { $0.0 == imageID }?.1 }) { return hit }
        guard let stored = try? database.pageImage(imageID: imageID), let template = try? store.template(stored.template) else { throw .noPage }
        var path = stored.path
        if !path.hasPrefix("/") && !FileManager.default.fileExists(atPath: path) {
            path = (baseFolder as NSString).appendingPathComponent(path)
        }
        let loaded: LoadedImage
        do { loaded = try loader.load(path) } catch { throw .unreadable(error.description) }
        let turned = loaded.image.rotated(quarterTurns: stored.quarterTurns)
        let page = Annotator.upright(turned, transform: stored.transform, template: template.template)
        cache.withLock { c in
            c.removeAll { $0.0 == imageID }
            c.insert((imageID, page), at: 0)
            if c.count > cacheSize { c.removeLast() }
        }
        return page
    }

    /// The registered page as JPEG, at most `pageLongSide` pixels on its long side.
    func pageJPEG(_ imageID: Int64) throws(Failure) -> Data {
        let page = try upright(imageID)
        let scale = min(1, Double(pageLongSide) / Double(max(page.width, page.height)))
        let small = scale < 1 ? page.resized(width: max(1, Int(Double(page.width) * scale)), height: max(1, Int(Double(page.height) * scale))) : page
        do { return try ImageWriter.jpegData(small, quality: 70) } catch { throw .encoding(error.description) }
    }

    /// A field's words line ("ditulis dengan huruf"), with a little around it, at most
    /// `wordsWidth` pixels wide: the number as the officer wrote it in words.
    func wordsJPEG(_ imageID: Int64, line: Rect) throws(Failure) -> Data {
        try cropJPEG(imageID, rect: line, pad: line.height * 0.15, quality: 80) { crop in
            min(2, Double(Self.wordsWidth) / Double(crop.width))
        }
    }

    static let wordsWidth = 900

    /// One box of a field (0 = hundreds), with a little of its surroundings, enlarged.
    func boxJPEG(_ imageID: Int64, box: Rect) throws(Failure) -> Data {
        try cropJPEG(imageID, rect: box, pad: box.width * 0.15, quality: 85) { _ in 3 }
    }

    /// `rect` of the registered page grown by `pad` on every side (clipped to the page), scaled
    /// by what `scale` says for that crop, as JPEG.
    private func cropJPEG(_ imageID: Int64, rect: Rect, pad: Double, quality: Int, scale: (GrayImage) -> Double) throws(Failure) -> Data {
        let page = try upright(imageID)
        let x0 = max(0, Int((rect.x - pad).rounded(.down))), y0 = max(0, Int((rect.y - pad).rounded(.down)))
        let x1 = min(page.width, Int((rect.x + rect.width + pad).rounded(.up))), y1 = min(page.height, Int((rect.y + rect.height + pad).rounded(.up)))
        guard x1 > x0, y1 > y0 else { throw .noPage }
        let crop = page.cropped(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
        let f = scale(crop)
        let sized = crop.resized(width: max(1, Int(Double(crop.width) * f)), height: max(1, Int(Double(crop.height) * f)))
        do { return try ImageWriter.jpegData(sized, quality: quality) } catch { throw .encoding(error.description) }
    }
}
