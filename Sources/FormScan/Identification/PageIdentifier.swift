import DigitReader
import Foundation

/// Names the page an image shows in milliseconds, before any registration: the AprilTag of a
/// 2024 page, and the layout fingerprint of the sheet (or of the whole image) against every
/// template's reference image. Returns the templates ranked, with the evidence.
///
/// Holds an AprilTag detector: not thread-safe; one per scanner.
public final class PageIdentifier {
    public let store: TemplateStore
    /// Built on first use (its decoding table takes a moment).
    lazy var tagDetector = AprilTagDetector(decimate: Self.tagDecimate)
    /// The references' fingerprints, by template (computed once per process, on first use:
    /// a scan with `-t` or a tagged page needs none).
    lazy var references: [(template: LoadedTemplate, print: LayoutFingerprint)] =
        store.templates.compactMap { t in ReferencePrints.shared.print(t).map { (t, $0) } }

    public init(store: TemplateStore) {
        self.store = store
    }

    deinit {}

    /// The identification of the page in `path` (no registration): the fastest of `repeats`
    /// runs, each from scratch (the sheet's outline found again), the decoding not counted.
    public func identify(path: String, loader: ImageLoader = ImageLoader(), repeats: Int = 1) throws(FormScanError) -> Identification {
        let image = try loader.load(path).image
        _ = tagDetector
        var best: Identification?
        for _ in 0..<max(1, repeats) {
            let found = identify(image, cache: Registrar.CoarseCache())
            if best == nil || found.milliseconds < best!.milliseconds { best = found }
        }
        return best!
    }

    /// The page's identification. `cache` holds the sheet's outline for registration to reuse.
    /// - Parameter given: a template asked for (`-t`): only its tag is looked for (a page whose
    ///   tag names another template is refused by the scanner), no fingerprint.
    func identify(_ image: GrayImage, cache: Registrar.CoarseCache, given: LoadedTemplate? = nil) -> Identification {
        let start = ContinuousClock.now
        // The tag first: it settles the page where it is found.
        let tags = store.templates.contains { $0.template.aprilTag != nil } ? tagDetector.detect(image) : []
        let named = tags.compactMap { tag in store.templates.first { $0.template.aprilTag == tag.id }.map { (tag, $0) } }
            .max { $0.0.decisionMargin < $1.0.decisionMargin }
        var candidates: [Identification.Candidate] = []
        var of = "image"
        if given == nil && named == nil {
            let prints: [LayoutFingerprint]
            (prints, of) = Self.pagePrints(image, cache: cache)
            candidates = references.map { ref in
                .init(template: ref.template.id, score: prints.map { $0.correlation(ref.print) }.max() ?? -1)
            }.sorted { $0.score > $1.score }
        }
        let margin = candidates.count > 1 ? candidates[0].score - candidates[1].score : candidates.isEmpty ? 0 : 1
        let route: Identification.Route = given != nil ? .given : named != nil ? .tag
            : margin >= Self.trustedMargin ? .fingerprint : .ranking
        let d = ContinuousClock.now - start
        return Identification(candidates: Array(candidates.prefix(Self.shortList)), margin: (margin * 1000).rounded() / 1000,
                              fingerprintOf: of, aprilTag: named?.0, tagTemplate: named?.1.id, route: route,
                              milliseconds: Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
    }

    /// The page's fingerprints, one per way round (the template's top-left on each corner in
    /// turn): of the sheet within its outline on a photo, of the whole image otherwise.
    static func pagePrints(_ image: GrayImage, cache: Registrar.CoarseCache) -> ([LayoutFingerprint], String) {
        func turns(_ corners: [(x: Double, y: Double)]) -> [[(x: Double, y: Double)]] { (0..<4).map { q in (0..<4).map { corners[($0 + q) % 4] } } }
        if let sheet = cache.sheet(image) {
            let quads = (0..<4).compactMap { q in
                sheet.transform(width: 1, height: 1, turns: q).map { h in
                    [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)].map { let p = h.apply($0.0, $0.1); return (x: p.x * sheet.k, y: p.y * sheet.k) }
                }
            }
            return (quads.map { LayoutFingerprint(sheet.small, corners: $0) }, "sheet")
        }
        let k = min(1, Double(PageOutline.side) / Double(max(image.width, image.height)))
        let small = k < 1 ? image.resized(width: max(8, Int(Double(image.width) * k)), height: max(8, Int(Double(image.height) * k))) : image
        let (w, h) = (Double(small.width), Double(small.height))
        return (turns([(0, 0), (w, 0), (w, h), (0, h)]).map { LayoutFingerprint(small, corners: $0) }, "image")
    }

    /// The whole image's tag search looks for quads at half the 800-px copy's size.
    static let tagDecimate: Float = 2

    /// Templates kept in the result's short list.
    public static let shortList = 3

    /// The first candidate is registered alone (then the second) when its score leads by at
    /// least this much; otherwise the templates are ranked by their ruled lines as before.
    /// Set from the sample pages (in-sample: docs/measurements.md, issue 22): see there for
    /// the margins measured.
    public static let trustedMargin = 0.1
}

/// The reference images' fingerprints, computed once per process (the reference images are
/// decoded once: a few tens of milliseconds a template).
final class ReferencePrints: @unchecked Sendable {
    static let shared = ReferencePrints()
    private let lock = NSLock()
    private var prints: [String: LayoutFingerprint?] = [:]

    func print(_ t: LoadedTemplate) -> LayoutFingerprint? {
        let key = t.referenceImagePath
        lock.lock(); defer { lock.unlock() }
        if let known = prints[key] { return known }
        var made: LayoutFingerprint?
        // A JPEG reference is decoded shrunk (in the DCT) to about the size used.
        if let image = try? ImageLoader(workingLongSide: 2 * PageOutline.side).load(key).image {
            let k = min(1, Double(PageOutline.side) / Double(max(image.width, image.height)))
            let small = image.resized(width: max(8, Int(Double(image.width) * k)), height: max(8, Int(Double(image.height) * k)))
            let (w, h) = (Double(small.width), Double(small.height))
            made = LayoutFingerprint(small, corners: [(0, 0), (w, 0), (w, h), (0, h)])
        }
        prints[key] = made
        return made
    }
}
