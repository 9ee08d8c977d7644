import DigitReader
import Foundation

/// Scans one page image end to end, in stages: load → identify → register → quality gate →
/// crop → read → check.
///
/// Holds a Tesseract engine: not thread-safe; make one per worker.
public final class PageScanner {
    public let store: TemplateStore
    public let reader: BoxReader
    public var loader: ImageLoader
    /// When Tesseract reads a box (the classifier reads every box).
    public var secondReading: SecondReading
    let cleaner = BoxCleaner()
    /// Reads the 2024 pages' AprilTags; built on first use (its decoding table takes a moment).
    lazy var tagDetector = AprilTagDetector()
    /// Reads the numbers written in words; built on first use, nil without a text model.
    lazy var wordsReader: WordsReader? = try? WordsReader()
    /// Names the page before registration (its tag, its layout fingerprint).
    lazy var identifier = PageIdentifier(store: store)

    public init(store: TemplateStore, reader: BoxReader, loader: ImageLoader = ImageLoader(), secondReading: SecondReading = .whereNeeded) {
        self.store = store
        self.reader = reader
        self.loader = loader
        self.secondReading = secondReading
    }

    /// - Parameter templateID: a template id, or nil / "auto" to pick the best matching one.
    public func scan(path: String, templateID: String? = nil) throws(FormScanError) -> PageResult {
        try scanKeepingPage(path: path, templateID: templateID).result
    }

    /// `scan`, also returning the image as registered (turned upright; the result's transform
    /// maps template coordinates into it), for annotated pictures.
    public func scanKeepingPage(path: String, templateID: String? = nil) throws(FormScanError) -> (result: PageResult, page: GrayImage) {
        try scanKeepingPage(path: path, data: nil, templateID: templateID)
    }

    /// `scan` of a file's bytes already in memory (`name` names it in the result and errors):
    /// the batch hashes the very bytes it decodes, read once.
    public func scan(data: Data, name: String, templateID: String? = nil) throws(FormScanError) -> PageResult {
        try scanKeepingPage(path: name, data: data, templateID: templateID).result
    }

    func scanKeepingPage(path: String, data: Data?, templateID: String?) throws(FormScanError) -> (result: PageResult, page: GrayImage) {
        var timings = Timings()
        var clock = ContinuousClock.now
        func lap() -> Double {
            let now = ContinuousClock.now
            let d = now - clock
            clock = now
            return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        }
        // Load
        let loaded: LoadedImage
        if let data { loaded = try loader.decode(data, name: path) } else { loaded = try loader.load(path) }
        timings.decode = lap()
        let image = loaded.image
        // Under 400 px a side nothing can be read (a plano sheet's boxes at 490 px are 8 px
        // wide), but such a page can still be found and named in the refusal (KawalPemilu's
        // 367x490 contoh-1.jpg: "the page is too small … (the page is c1-plano-ppwp-2019)").
        if max(image.width, image.height) < 400 {
            throw .imageTooSmall(path, width: image.width, height: image.height)
        }
        let given: LoadedTemplate? = if let templateID, templateID != "auto" { try store.template(templateID) } else { nil }
        // Identify: the page's tag and layout fingerprint, in milliseconds.
        let cache = Registrar.CoarseCache()
        var identification = identifier.identify(image, cache: cache, given: given)
        timings.identification = lap()
        if let given, let tagged = identification.tagTemplate, tagged != given.id {
            throw .tagContradicts(path, template: given.id, tag: identification.aprilTag!.id, tagTemplate: tagged)
        }
        // Register
        var (template, registration, page) = try register(image, path: path, given: given, cache: cache, identification: &identification)
        timings.registration = lap()
        // Quality gate: a bad picture is refused with what to do, not read into a page of misreads.
        let quality = QualityGate.assess(page, template: template.template, transform: registration.transform)
        registration.quality = quality
        if !quality.problems.isEmpty {
            // Say which page it is: the person retakes that page.
            var problems = quality.problems
            problems[problems.count - 1] += " (the page is \(template.id))"
            throw .poorImage(path, problems: problems)
        }
        timings.registration += lap()
        // Crop
        let crops = cropBoxes(page, template: template, registration: registration)
        timings.cleaning = lap()
        // Read
        var (fields, rules, reconciling) = PageReading(reader: reader, template: template, policy: secondReading).run(crops: crops)
        timings.reading = lap() - reconciling
        // Check: 2024 page 2's bubbles, a third reading of every digit (the rules were
        // checked with the readings).
        for f in template.template.fields where f.bubbles != nil {
            guard var result = fields[f.id],
                  let reading = BubbleReader.read(page, field: f, radius: template.template.bubbleRadius ?? 7,
                                                  transform: registration.transform) else { continue }
            BubbleReader.apply(reading, to: &result)
            fields[f.id] = result
        }
        timings.checks = lap() + reconciling
        // The numbers written in words, read beside their boxes, then weighed against them.
        readWords(page, template: template.template, transform: registration.transform, fields: &fields)
        WordsEvidence.apply(to: &fields, rules: &rules, template: template)
        timings.words = lap()
        let status = fields.values.map(\.status).max() ?? .missing
        var result = PageResult(file: path, template: template.id, templateTitle: template.template.title,
                          image: .init(width: loaded.originalWidth, height: loaded.originalHeight,
                                       format: loaded.format.rawValue, exifOrientation: loaded.exifOrientation),
                          registration: registration, fields: fields, fieldOrder: template.template.fields.map(\.id),
                          rules: rules, status: status, timings: timings)
        result.identification = identification
        return (result, page)
    }

    /// Registers the page on the template `identification` points to: the one given; the one
    /// its tag names; the fingerprint's first candidate (its second only when the first does
    /// not register) when its margin is trusted; otherwise the templates as the ruled lines
    /// rank them. The ranking also follows when the short list registers nothing, so that a
    /// misidentified page is still found. A page whose tag names a template is never
    /// registered on another. Records the templates tried in `identification`.
    func register(_ image: GrayImage, path: String, given: LoadedTemplate?, cache: Registrar.CoarseCache,
                  identification: inout Identification) throws(FormScanError) -> (LoadedTemplate, Registration, GrayImage) {
        var best: (LoadedTemplate, Registration, GrayImage)?
        var tried: [String] = []
        /// Fine-fits `t`; true when the fit settles the page.
        func attempt(_ t: LoadedTemplate, firstCoarse: Registrar.Coarse? = nil) -> Bool {
            guard !tried.contains(t.id) else { return false }
            tried.append(t.id)
            let (r, turned) = Registrar(template: t.template).register(image, quarterTurns: nil, firstCoarse: firstCoarse, cache: cache)
            if best == nil || r.coverage > best!.1.coverage { best = (t, r, turned) }
            // Another page's lines never cover this much of a template: no need to try the rest.
            return r.isUsable && r.coverage >= 0.6
        }
        let tagged = identification.tagTemplate.flatMap { id in store.templates.first { $0.id == id } }
        // The templates the page may be read as: the one given, the one its tag names, or any
        // whose own tag the page does not contradict (no tag was found on it).
        let candidates: [LoadedTemplate] = given.map { [$0] } ?? tagged.map { [$0] } ?? store.templates
        if candidates.count == 1 {
            _ = attempt(candidates[0])
        } else {
            var settled = false
            if identification.route == .fingerprint {
                for c in identification.candidates.prefix(2) {
                    guard let t = candidates.first(where: { $0.id == c.template }) else { continue }
                    if attempt(t) { settled = true; break }
                }
            }
            if !settled {
                if identification.route == .fingerprint { identification.route = .ranking }
                for (t, coarse) in ranked(candidates.filter { !tried.contains($0.id) }, image: image, cache: cache)
                    where attempt(t, firstCoarse: coarse()) { break }
            }
        }
        identification.tried = tried
        // No form found in a dark or blurred picture: say so, it is what the person can fix.
        func notFound(hint: String?) -> FormScanError {
            if let hint { return .poorImage(path, problems: [hint + " (no form could be found in it)"]) }
            return .noFormFound(path)
        }
        guard let (bestTemplate, fitted, turned) = best else { throw notFound(hint: QualityGate.hint(for: image)) }
        var (template, registration, page) = (bestTemplate, fitted, turned)
        guard registration.isUsable else {
            if let tagged, let tag = identification.aprilTag, given == nil {
                throw .poorImage(path, problems: ["its AprilTag \(tag.id) says \(tagged.id), whose lines could not be matched (take it flat, sharp and with the whole page in it)"])
            }
            // Part of a known page's lines found on a photo: the page is probably this one,
            // photographed too blurred, tilted or covered to be read safely. Say what to fix.
            if registration.coverage >= Self.partialCoverage && cache.hasOutline(image) {
                let quality = QualityGate.assess(page, template: template.template, transform: registration.transform)
                let seen = "it looks most like \(template.id), but only \(Int((registration.coverage * 100).rounded()))% of its ruled lines could be matched"
                throw .poorImage(path, problems: quality.problems + [seen + " (take it flat, sharp and with the whole page in it)"])
            }
            // Enough of the lines found, but they do not line up: a bent sheet or a different
            // print of the page. Say so rather than "not this page".
            if registration.coverage >= RegistrationLimits.minimumCoverage && registration.residual.isFinite {
                let r = (registration.residual * 10).rounded() / 10
                throw .poorImage(path, problems: ["\(Int((registration.coverage * 100).rounded()))% of the ruled lines of \(template.id) were found but they do not line up (\(r) px apart on average, at most \((registration.acceptedResidual * 10).rounded() / 10) allowed): lay the sheet flat, or it is another print of the page"])
            }
            let hint = QualityGate.hint(for: image)
            if given != nil && hint == nil {
                throw .wrongPage(path, template: template.id, score: registration.coverage)
            }
            throw notFound(hint: hint)
        }
        if let tag = identification.aprilTag, tagged?.id == template.id {
            registration.aprilTag = tag
        } else if given == nil, template.template.aprilTag != nil,
           let (tag, named) = topTags(page, template: template.template, transform: registration.transform)
            .compactMap({ tag in store.templates.first { $0.template.aprilTag == tag.id }.map { (tag, $0) } })
            .max(by: { $0.0.decisionMargin < $1.0.decisionMargin }) {
            // No tag on the whole image, but one in the registered page's title band (searched
            // closer): it wins over the lines' choice.
            if named.id != template.id {
                tried.append(named.id)
                identification.tried = tried
                let (r, turned) = Registrar(template: named.template).register(image, quarterTurns: nil, firstCoarse: nil, cache: cache)
                guard r.isUsable else {
                    throw .poorImage(path, problems: ["its lines look most like \(template.id) but its AprilTag \(tag.id) says \(named.id), whose lines could not be matched (take it flat, sharp and with the whole page in it)"])
                }
                (template, registration, page) = (named, r, turned)
            }
            registration.aprilTag = tag
        }
        // Corner marks where the fit puts them: an audit figure, not a condition.
        (registration.marksFound, registration.marksResidual) = MarkCheck.check(page, template: template.template, transform: registration.transform)
        return (template, registration, page)
    }

    /// The templates ranked by their ruled lines (the order tried before identification, and
    /// still when it is not trusted), each with the coarse fit its fine fit starts from (nil:
    /// its own search; on a scan computed when it is tried). On a photo, by a first fit from
    /// the sheet's outline; on a scan, by a coarse fit on each template's lines
    /// (`rankingScore`), those within `rankingMargin` of the best ranked again by their coarse
    /// fit on their own segments.
    func ranked(_ candidates: [LoadedTemplate], image: GrayImage, cache: Registrar.CoarseCache) -> [(LoadedTemplate, () -> Registrar.Coarse?)] {
        guard candidates.count > 1 else { return candidates.map { t in (t, { nil }) } }
        if cache.hasOutline(image) {
            var scored = candidates.map { t in (t, Registrar(template: t.template).outlineScore(image, cache: cache) ?? 0) }
            // No template clearly fits the likeliest turn: score every way round.
            if (scored.map(\.1).max() ?? 0) < Registrar.clearCornerScore {
                scored = candidates.map { t in (t, Registrar(template: t.template).outlineScore(image, cache: cache, everyCorner: true) ?? 0) }
            }
            return scored.sorted { $0.1 > $1.1 }.map { t in (t.0, { nil }) }
        }
        let merged = candidates.map { t in (t, Registrar(template: t.template).rankingScore(image, cache: cache)) }
            .sorted { $0.1 > $1.1 }
        let top = merged.first?.1 ?? 0
        let near = merged.filter { $0.1 >= top - Self.rankingMargin }.map(\.0)
        var starts: [String: Registrar.Coarse?] = [:]
        for t in near { starts[t.id] = Registrar(template: t.template).firstCoarse(image, cache: cache) }
        return near.sorted { (starts[$0.id]??.score ?? 0) > (starts[$1.id]??.score ?? 0) }.map { t in (t, { starts[t.id] ?? nil }) }
            + merged.dropFirst(near.count).map { t in (t.0, { Registrar(template: t.0.template).firstCoarse(image, cache: cache) }) }
    }

    /// The AprilTags in the top `tagBand` of the page as registered (the 2024 tags sit beside
    /// the title): a quarter of the photo searched, in a quarter of the time.
    func topTags(_ page: GrayImage, template: Template, transform: Homography) -> [AprilTag] {
        let corners = [(0.0, 0.0), (template.width, 0.0), (0.0, template.height * Self.tagBand), (template.width, template.height * Self.tagBand)]
            .map { transform.apply($0.0, $0.1) }
        let x0 = max(0, Int(corners.map(\.x).min()!)), y0 = max(0, Int(corners.map(\.y).min()!))
        let x1 = min(page.width, Int(corners.map(\.x).max()!.rounded(.up))), y1 = min(page.height, Int(corners.map(\.y).max()!.rounded(.up)))
        guard x1 - x0 > 16, y1 - y0 > 16 else { return [] }
        return tagDetector.detect(page.cropped(x: x0, y: y0, width: x1 - x0, height: y1 - y0)).map { t in
            var t = t
            (t.x, t.y) = (t.x + Double(x0), t.y + Double(y0))
            return t
        }
    }

    /// Share of the page's height, from the top, searched for its AprilTag.
    static let tagBand = 0.3

    /// Every box of the template cut from the registered page and cleaned; nil for a box that
    /// lies partly outside the image (half a digit is a wrong digit).
    func cropBoxes(_ page: GrayImage, template: LoadedTemplate, registration: Registration) -> [String: [BoxCrop?]] {
        var crops: [String: [BoxCrop?]] = [:]
        for f in template.template.fields {
            var cut = f.boxes.map { b -> BoxCrop? in
                guard cleaner.isInside(page, box: Rect(b), transform: registration.transform) else { return nil }
                return cleaner.clean(cleaner.warp(page, box: Rect(b), transform: registration.transform))
            }
            BoxCleaner.markCrossings(&cut, boxes: f.boxes.map { Rect($0) })
            crops[f.id] = cut
        }
        return crops
    }

    /// On a photo (a sheet on a background), a fit this good but not usable is a known page
    /// photographed poorly: another page's lines cover at most about a fifth of a 2024 template
    /// there, and up to 40% of one on the grid-heavy plano sheets (measured on the kawalc1
    /// photos). Scans of similar pages share more lines, so scans keep the "not a known page"
    /// answer.
    static let partialCoverage = 0.45

    /// Templates whose ranking score (collinear segments merged) is this close to the best are
    /// ranked again on their own segments. Merging never raises a score (min(v, a) + min(v, b)
    /// ≥ min(v, a + b)); on the sample scans it lowered one by up to 0.07 (a 2019 Lembar 2 has
    /// 25 vertical segments on 9 lines), enough to put a 2024 page first on a faint scan.
    static let rankingMargin = 0.15

    /// The cleaned crops of a registered page (for inspection and training data export).
    public func crops(path: String, templateID: String) throws(FormScanError) -> [(field: String, position: Int, crop: BoxCrop)] {
        let template = try store.template(templateID)
        let image = try loader.load(path).image
        let (registration, page) = Registrar(template: template.template).register(image)
        guard registration.isUsable else { throw .wrongPage(path, template: templateID, score: registration.coverage) }
        let crops = cropBoxes(page, template: template, registration: registration)
        return template.template.fields.flatMap { f in
            (crops[f.id] ?? []).enumerated().compactMap { i, c in c.map { (f.id, i, $0) } }
        }
    }
}
