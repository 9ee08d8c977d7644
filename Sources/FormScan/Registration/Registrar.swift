import DigitReader
import Foundation

/// Registers a page image onto a template using the template's ruled lines:
/// a coarse search (orientation, skew, scale, shift) on line profiles of a small copy, then a
/// projective fit to line positions measured along their normals in the full image.
public struct Registrar: Sendable {
    public var template: Template
    /// Long side of the coarse working copy.
    var coarseSide = 700
    /// Template pixels between two samples on a ruled line.
    var sampleStep = 12.0

    public init(template: Template) { self.template = template }

    /// Tries the four quarter turns; returns the best registration (usable or not) and the image
    /// turned to match it.
    public func register(_ image: GrayImage, quarterTurns: [Int]? = nil) -> (Registration, GrayImage) {
        register(image, quarterTurns: quarterTurns, firstCoarse: nil)
    }

    /// The quarter turns to try, most likely first: the one that makes the image's long side
    /// match the page's, then upside down, then the other two.
    func likelyTurns(_ image: GrayImage) -> [Int] {
        (image.height >= image.width) == (template.height >= template.width) ? [0, 2, 1, 3] : [1, 3, 0, 2]
    }

    /// On a photo of a sheet on a background, first from the sheet's outline (every way round,
    /// every outline found); then, as for a scan, tries turns in order (coarse fit, then fine
    /// fit) and stops at the first usable fit: a wrong turn or a wrong page never covers enough
    /// of the ruled lines to be usable. `firstCoarse` is a coarse fit already made for the
    /// first turn.
    func register(_ image: GrayImage, quarterTurns: [Int]?, firstCoarse: Coarse?, cache: CoarseCache = CoarseCache()) -> (Registration, GrayImage) {
        let turns = quarterTurns ?? likelyTurns(image)
        var best: (Registration, GrayImage)?
        var turnedImages: [Int: GrayImage] = [:]
        func turned(_ q: Int) -> GrayImage {
            if let t = turnedImages[q] { return t }
            let t = image.rotated(quarterTurns: q)
            turnedImages[q] = t
            return t
        }
        /// Refines one coarse start; true when usable.
        func attempt(_ start: Coarse, turn q: Int) -> Bool {
            let page = turned(q)
            var r = refineFit(page, coarse: start)
            r.quarterTurns = q
            if !isPlausible(r.transform, in: page) { r.coverage = 0 }
            if r.isUsable { r = settled(r, in: page) }
            if best == nil || rank(r) > rank(best!.0) { best = (r, page) }
            return r.isUsable
        }
        // A photo with the sheet's outline in it: start from the outline, every turn (it holds
        // the perspective the line search cannot).
        let photo = cache.hasOutline(image)
        // The turn the outline's best fit put the page at, usable or not.
        var outlineTurn: Int?
        if photo {
            // Fitted in the frame of the image as loaded (no rotated copies); the turn that sets
            // the page upright is read off the fit.
            var bestHere: Registration?
            search: for alternative in 0... {
                // The other outlines are looked for only when the first did not register.
                if alternative > 0 && alternative > cache.alternativeCount(image) { break }
                for k in cornerOrder(image, cache: cache).map(\.corner) {
                    // A guess of a cut sheet has the page's proportions one way round: only the
                    // turns that lay the template the same way round are tried on it.
                    if cache.isGuess(alternative, image) && !cache.guessFits(alternative, image, corner: k, template: template) { continue }
                    var usable: [Registration] = []
                    for start in cache.outlineFits(image, corner: k, template: template, registrar: self, alternative: alternative) {
                        var r = refineFit(image, coarse: start, radii: [24, 16, 8, 5, 4], guided: true)
                        if !isPlausible(r.transform, in: image) { r.coverage = 0 }
                        // From the outline a fit must find more of the lines, and one that explains
                        // only part of them must line up closely: another form's grid can match
                        // part of this one's (a DPR plano sheet: 70% of Lembar 2's lines at 1.65 px).
                        if r.isUsable && (r.coverage < Self.minimumOutlineCoverage
                                          || (r.coverage < Self.looseFit.coverage && r.residual > Self.looseResidual(scale: r.scale))) { r = r.refused }
                        if r.isUsable { r = settled(r, in: image) }
                        if !r.isUsable && cache.isGuess(alternative, image) { continue }
                        if bestHere == nil || rank(r) > rank(bestHere!) { bestHere = r }
                        if r.isUsable { usable.append(r) }
                        // A clear fit that survived the neighbour check: the other starts can only
                        // agree with it or lose to it.
                        if r.isUsable && r.coverage >= 0.75 { break }
                    }
                    guard let first = usable.max(by: { rank($0) < rank($1) }) else { continue }
                    // A form's box columns repeat: two different fits that both explain the lines
                    // (one a column off) cannot be told apart here, and a misplaced box reads a
                    // neighbour's digit. Keep the clearly better one or none.
                    let rivals = usable.filter { Self.boxDistance($0.transform, first.transform, template: template) > 8 }
                    if let rival = rivals.max(by: { rank($0) < rank($1) }), rival.coverage > first.coverage - 0.1 {
                        bestHere = first.refused
                        break search
                    }
                    bestHere = first
                    break search
                }
            }
            if var r = bestHere {
                let q = Self.uprightTurn(r.transform, template: template)
                outlineTurn = q
                if quarterTurns == nil || quarterTurns!.contains(q) {
                    r.transform = Self.rotation(q, width: image.width, height: image.height).composed(after: r.transform)
                    r.quarterTurns = q
                    let page = turned(q)
                    if r.isUsable { return (r, page) }
                    best = (r, page)
                }
            }
        }
        // The best coarse fit first; if it does not refine to a usable fit, the next best at a
        // clearly different scale (a grid also matches at half its size). On a photo whose
        // outline gave nothing, only the likeliest turn (a straight shot of a page whose outline
        // merged with its background), and the turn the outline's best fit found and its
        // opposite (a close-up whose sheet runs out of the photo: the outline is the photo's
        // edge on one side, but which way the page lies shows).
        var photoTurns = Array(turns.prefix(1))
        if let q = outlineTurn {
            for t in [q, (q + 2) % 4] where !photoTurns.contains(t) && (quarterTurns?.contains(t) ?? true) { photoTurns.append(t) }
        }
        for (i, q) in (photo ? photoTurns : turns).enumerated() {
            let page = turned(q)
            if i == 0, let given = firstCoarse, attempt(given, turn: q) { return best! }
            var fits = cache.view(turn: q, side: coarseSide) { page }.map { coarseFits($0, count: 3) } ?? []
            // The given start was tried: drop the full search's first fit when it is the same.
            if i == 0, let given = firstCoarse, fits.first?.transform == given.transform {
                fits = Array(fits.dropFirst())
            }
            for fit in fits where attempt(fit, turn: q) { return best! }
        }
        if let best { return best }
        let fallback = Registration(quarterTurns: 0, transform: .identity, residual: .infinity, coverage: 0,
                                    coarseScore: 0, skewDegrees: 0, scale: 1, residualLimit: residualLimit)
        return (fallback, image)
    }

    /// A form's boxes repeat at a fixed pitch, so a fit one box off along a row or a column
    /// still finds many lines, and every box then reads its neighbour's digit. Compares the
    /// fit with the fits one pitch away in each direction: a clearly better neighbour replaces
    /// it; one about as good makes the page ambiguous, and the fit is refused (coverage set
    /// just under the minimum) rather than read. Where the numbers stand in a column at a
    /// pitch of their own (a plano sheet's rows, each as tall as several boxes), the fits one
    /// row up and down are neighbours too.
    func settled(_ fit: Registration, in image: GrayImage) -> Registration {
        var current = fit
        let pitch = self.pitch
        var steps = [(pitch.x, 0.0), (-pitch.x, 0.0), (0.0, pitch.y), (0.0, -pitch.y)]
        if let row = rowPitch { steps += [(0.0, row), (0.0, -row)] }
        for _ in 0..<4 {
            var better: Registration?
            for (dx, dy) in steps where dx != 0 || dy != 0 {
                let shifted = current.transform.composed(after: Homography([1, 0, dx, 0, 1, dy, 0, 0, 1]))
                // A first look with every fourth sample: a neighbour that clearly explains fewer
                // lines (the usual case) needs no full measurement.
                if let glance = refine(image, shifted, radius: 4 * max(1, current.scale), final: true, every: 4),
                   glance.2 < current.coverage - Self.neighbourGlanceMargin { continue }
                guard let n = refine(image, shifted, radius: 4 * max(1, current.scale), final: true),
                      Self.boxDistance(n.0, current.transform, template: template) > 0.5 * min(pitch.x, pitch.y) else { continue }
                if n.2 > current.coverage + 0.05 {
                    if better == nil || n.2 > better!.coverage {
                        var b = current
                        (b.transform, b.residual, b.coverage) = (n.0, n.1 / max(current.scale, 1e-6), n.2)
                        better = b
                    }
                } else if n.2 >= current.coverage - 0.03 {
                    return current.refused
                }
            }
            guard let better else { return current }
            current = better
        }
        return current.refused
    }

    /// A neighbour fit whose coverage on every fourth sample is this far below the fit's is not
    /// measured in full: on 878 neighbour fits of the sample scans, generated pages and photos
    /// the two estimates differed by at most 0.08 (every other sample: 0.05), and a neighbour
    /// counts from 0.03 below the fit.
    static let neighbourGlanceMargin = 0.15

    /// The template's box pitch (template pixels): median step between boxes of a number, and
    /// median box height.
    var pitch: (x: Double, y: Double) {
        var steps: [Double] = [], heights: [Double] = []
        for f in template.fields {
            for i in f.boxes.indices {
                heights.append(f.boxes[i][3])
                if i > 0 { steps.append(f.boxes[i][0] - f.boxes[i - 1][0]) }
            }
        }
        steps.sort(); heights.sort()
        return (steps.isEmpty ? 0 : steps[steps.count / 2], heights.isEmpty ? 0 : heights[heights.count / 2])
    }

    /// The step between numbers stacked in one column (template pixels): the median step down
    /// between numbers whose first boxes share a column, when at least three numbers do and
    /// the step is clearly more than a box's height (nil otherwise: rows that touch are
    /// covered by the box pitch). The DPR plano sheet's ten candidate rows repeat every 104 px
    /// with boxes 41 px tall: a fit one row off finds 80% of the lines.
    var rowPitch: Double? {
        var columns: [Int: [Double]] = [:]
        for f in template.fields { if let b = f.boxes.first { columns[Int((b[0] / 4).rounded()), default: []].append(b[1]) } }
        var steps: [Double] = []
        for (_, tops) in columns where tops.count >= 3 {
            let sorted = tops.sorted()
            steps += zip(sorted, sorted.dropFirst()).map { $1 - $0 }
        }
        guard !steps.isEmpty else { return nil }
        steps.sort()
        let step = steps[steps.count / 2]
        return step > 1.5 * pitch.y ? step : nil
    }

    /// Largest distance (template pixels) between where two fits put the template's boxes.
    static func boxDistance(_ a: Homography, _ b: Homography, template: Template) -> Double {
        let inv = b.inverse
        var worst = 0.0
        for f in template.fields { for box in f.boxes {
            let q = a.apply(box[0] + box[2] / 2, box[1] + box[3] / 2)
            let p = inv.apply(q.x, q.y)
            worst = max(worst, ((p.x - box[0] - box[2] / 2) * (p.x - box[0] - box[2] / 2) + (p.y - box[1] - box[3] / 2) * (p.y - box[1] - box[3] / 2)).squareRoot())
        } }
        return worst
    }

    /// Fits started from the sheet's outline must find this much of the ruled lines.
    static let minimumOutlineCoverage = 0.6
    /// A fit from the outline finding less than this share of the lines must line up within
    /// this residual (px): the 197 photo fits measured (generated, 2024) had at most 0.82 px,
    /// a real plano photo 1.22 px with 91% of the lines.
    static let looseFit = (coverage: 0.85, residual: 1.0)
    /// …or, on a page so small in the photo that a template pixel is a fraction of an image
    /// pixel, within this many image pixels (a line is found to a fraction of a pixel whatever
    /// the scale: contoh-2's sheet at 0.29 image px per template px, 64% of the lines at 1.86
    /// template px = 0.54 image px; the DPR sheet's false fit on Lembar 2, at about 1 image px
    /// per template px, 1.65).
    static let looseFitImagePixels = 0.6

    /// The residual (template px) a fit from the outline finding part of the lines must keep to.
    static func looseResidual(scale: Double) -> Double { max(looseFit.residual, looseFitImagePixels / max(scale, 1e-6)) }

    /// Clockwise quarter turns that bring a page fitted by `h` (template -> image) upright:
    /// the template's rightward direction at the page centre points right after the turn.
    static func uprightTurn(_ h: Homography, template: Template) -> Int {
        let c = h.apply(template.width / 2, template.height / 2), r = h.apply(template.width / 2 + 10, template.height / 2)
        let angle = atan2(r.y - c.y, r.x - c.x) * 180 / .pi
        if angle > -45 && angle <= 45 { return 0 }
        if angle > 45 && angle <= 135 { return 3 }
        if angle <= -45 && angle > -135 { return 1 }
        return 2
    }

    /// Pixel coordinates of an image (width x height) -> the same pixels after `rotated(quarterTurns: q)`.
    static func rotation(_ q: Int, width: Int, height: Int) -> Homography {
        let (w, h) = (Double(width), Double(height))
        switch ((q % 4) + 4) % 4 {
        case 1: return Homography([0, -1, h - 1, 1, 0, 0, 0, 0, 1])
        case 2: return Homography([-1, 0, w - 1, 0, -1, h - 1, 0, 0, 1])
        case 3: return Homography([0, 1, 0, -1, 0, w - 1, 0, 0, 1])
        default: return .identity
        }
    }

    /// On a photo with the sheet's outline in it: the share of ruled lines one wide search
    /// finds from the outline at the likeliest turn, a cheap way to rank templates (nil: no
    /// outline in the image).
    func outlineScore(_ image: GrayImage, cache: CoarseCache, everyCorner: Bool = false) -> Double? {
        guard cache.hasOutline(image) else { return nil }
        return everyCorner ? cornerOrder(image, cache: cache).first?.score ?? 0
                           : cornerScore(likelyTurns(image)[0], image, cache: cache)
    }

    /// The share of ruled lines one wide search finds from the outline alone (no marks, no line
    /// search), the template's top-left corner on outline corner `k`: enough to tell the pages
    /// and the page's turn apart when the outline is the page's edge (2024); little on the 2019
    /// templates, whose reference image is a cut scan. Kept in the cache.
    func cornerScore(_ k: Int, _ image: GrayImage, cache: CoarseCache) -> Double {
        let key = "\(template.id)#\(k)"
        if let known = cache.cornerScores[key] { return known }
        var score = 0.0
        if let t = cache.roughOutlineFit(image, corner: k, template: template),
           let fit = refine(image, t, radius: 24 * max(1, t.scale(near: template.width / 2, template.height / 2)), final: false) {
            score = fit.2
        }
        cache.cornerScores[key] = score
        return score
    }

    /// The corners to try, best first: the likeliest turn alone when its score is clear,
    /// otherwise every corner by its score (ties keep the likeliest turn first).
    func cornerOrder(_ image: GrayImage, cache: CoarseCache) -> [(corner: Int, score: Double)] {
        let turns = likelyTurns(image)
        let first = cornerScore(turns[0], image, cache: cache)
        if first >= Self.clearCornerScore { return turns.map { ($0, $0 == turns[0] ? first : 0) } }
        let scored = turns.map { ($0, cornerScore($0, image, cache: cache)) }
        return scored.enumerated().sorted { $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset }
            .map { (corner: $0.element.0, score: $0.element.1) }
    }

    /// The form's scale on a sheet set straight on its outline at the template's size: margins
    /// differ between prints and scans, and a scan may be cut to another shape than the
    /// reference (one sample station's scans are 1.65 times as tall as wide, the reference 1.44).
    enum SheetScales {
        static let lowest = 0.7, highest = 1.3
        /// Largest ratio between the scales across and down.
        static let maximumRatio = 1.2
    }

    /// A first fit from the outline finding this much of the lines settles page and turn.
    static let clearCornerScore = 0.3

    /// The coarse fit at the most likely turn: a cheap way to rank templates for a page.
    func firstCoarse(_ image: GrayImage, cache: CoarseCache = CoarseCache()) -> Coarse? {
        let turn = likelyTurns(image)[0]
        return cache.view(turn: turn, side: coarseSide) { image.rotated(quarterTurns: turn) }
            .flatMap { coarseFits($0, count: 1, quick: true).first }
    }

    /// How well the page's ruled lines match this template's at the most likely turn (the
    /// coarse fit's score), to rank templates cheaply: the template's collinear segments are
    /// taken as one line each (the 2024 page-1 template has 290 segments on 64 lines), which
    /// halves the work of ranking the templates of a page. The template tried is then fitted
    /// on its own segments (`firstCoarse`).
    func rankingScore(_ image: GrayImage, cache: CoarseCache) -> Double {
        let turn = likelyTurns(image)[0]
        return cache.view(turn: turn, side: coarseSide) { image.rotated(quarterTurns: turn) }
            .flatMap { coarseFits($0, count: 1, quick: true, mergingCollinear: true).first?.score } ?? 0
    }

    /// A fit that shrinks the form into a corner of the image (a few lines matched by chance,
    /// seen on a blurred photo) is no fit: the form must cover a tenth of the image or more.
    func isPlausible(_ h: Homography, in image: GrayImage) -> Bool {
        let corners = [(0.0, 0.0), (template.width, 0.0), (template.width, template.height), (0.0, template.height)].map { h.apply($0.0, $0.1) }
        return Quad.area(corners) >= 0.1 * Double(image.width * image.height)
    }

    private func rank(_ r: Registration) -> Double { r.coverage - (r.residual.isFinite ? r.residual * 0.02 : 1) }

    /// The fine fit, starting from a coarse one. `guided` (a photo's start from the sheet's
    /// outline), when the template has perspective lines and the plain fit finds some but not
    /// enough of the lines: fitted again with the perspective lines measured in every pass but
    /// the last (they bring the far side of a tilted photo within reach; the last fits the
    /// template's lines alone), and the better fit kept. Generated photos: plain 27% and 43% of
    /// the lines, guided 93% and 77%; wrong starts mostly under 20%, and a fit guided from the
    /// start can lose a page the plain one registers (a signature taken for a line).
    func refineFit(_ image: GrayImage, coarse: Coarse, radii: [Double] = [16, 8, 5, 4], guided: Bool = false) -> Registration {
        let plain = refineFit(image, coarse: coarse, radii: radii, perspective: false)
        guard guided, template.perspectiveLines != nil,
              plain.coverage < Self.minimumOutlineCoverage, plain.coverage >= Self.guidedRetryCoverage else { return plain }
        let fit = refineFit(image, coarse: coarse, radii: radii, perspective: true)
        return rank(fit) > rank(plain) ? fit : plain
    }

    /// The largest residual accepted on this template (`Template.boxUnit`).
    var residualLimit: Double { RegistrationLimits.maximumResidual * template.boxUnit }

    /// A plain fit finding less than this share of the lines is a wrong start: not fitted again.
    static let guidedRetryCoverage = 0.2

    /// The fine fit, measuring the perspective lines in every pass but the last when `perspective`.
    private func refineFit(_ image: GrayImage, coarse: Coarse, radii: [Double], perspective: Bool) -> Registration {
        var h = coarse.transform
        var result: (Homography, Double, Double)? = nil
        for (i, radius) in radii.enumerated() {
            // Only the last pass decides the fit and its coverage; the passes before it just
            // bring it within reach, for which every other sample does.
            let last = i == radii.count - 1
            guard let fit = refine(image, h, radius: radius * max(1, coarse.scale), final: last, every: last ? 1 : 2,
                                   perspective: perspective && !last) else { break }
            h = fit.0
            result = fit
        }
        guard let (hh, residual, coverage) = result else {
            return Registration(quarterTurns: 0, transform: coarse.transform, residual: .infinity, coverage: 0,
                                coarseScore: coarse.score, skewDegrees: coarse.skew, scale: coarse.scale, residualLimit: residualLimit)
        }
        let scale = hh.scale(near: template.width / 2, template.height / 2)
        return Registration(quarterTurns: 0, transform: hh, residual: residual / max(scale, 1e-6), coverage: coverage,
                            coarseScore: coarse.score, skewDegrees: coarse.skew, scale: scale, residualLimit: residualLimit)
    }

    // MARK: coarse search

    struct Coarse {
        var transform: Homography; var score: Double; var skew: Double; var scale: Double
        /// A start good to a few percent only (from corner marks): search wider first.
        var wide = false
    }

    /// What the coarse search needs of an image, whatever the template: a small copy's ruled
    /// line pixels, the page skew, and line profiles in the deskewed frame. Computed once per
    /// image and turn, shared by every template tried (`CoarseCache`).
    /// Coarse views of one image by quarter turn, so that trying several templates on a page
    /// computes them once. Used by one scan at a time.
    final class CoarseCache {
        private var views: [Int: CoarseView?] = [:]
        private var outline: PageOutline??
        /// Registrar.cornerScore by "template#corner".
        var cornerScores: [String: Double] = [:]
        init() {}

        func view(turn: Int, side: Int, turned: () -> GrayImage) -> CoarseView? {
            if let v = views[turn] { return v }
            let v = CoarseView(turned(), side: side)
            views[turn] = v
            return v
        }

        /// The template laid on the sheet's outline as it is.
        func roughOutlineFit(_ image: GrayImage, corner: Int, template: Template) -> Homography? {
            guard hasOutline(image), let found = outline ?? nil else { return nil }
            return found.transform(width: template.width, height: template.height, turns: corner)
        }

        /// Other outlines, found on first use.
        private var alternatives: [[(x: Double, y: Double)]]?

        /// How many of the alternatives are other outlines of the sheet; the rest are guesses of
        /// a sheet cut by the photo's edge.
        private var outlineAlternatives = 0

        /// Other outlines of the sheet to try (`PageOutline.alternatives`), then the sheet as
        /// guessed from its one whole corner where the photo cuts it (`cutSheetQuads`).
        func alternatives(_ image: GrayImage) -> [[(x: Double, y: Double)]] {
            if let alternatives { return alternatives }
            guard hasOutline(image), let found = outline ?? nil else { return [] }
            let others = found.alternatives()
            outlineAlternatives = others.count
            alternatives = others + found.cutSheetQuads()
            return alternatives!
        }

        /// Whether alternative `i` (1-based, as in `outlineFits`) is a guess of a cut sheet's
        /// extent rather than an outline found: a fit from it counts only when usable (a guess
        /// that lays a form on a page of another kind finds part of its lines by chance).
        func isGuess(_ i: Int, _ image: GrayImage) -> Bool {
            i > 0 && i <= alternatives(image).count && i > outlineAlternatives
        }

        /// Whether the template laid on guess `i` with its top-left corner on corner `corner` is
        /// the same way round as the guess (its long side along the guess's long side).
        func guessFits(_ i: Int, _ image: GrayImage, corner: Int, template: Template) -> Bool {
            guard var found = outline ?? nil else { return false }
            found.corners = alternatives(image)[i - 1]
            guard let t = found.transform(width: template.width, height: template.height, turns: corner) else { return false }
            let (o, right, down) = (t.apply(0, 0), t.apply(template.width, 0), t.apply(0, template.height))
            let across = hypot(right.x - o.x, right.y - o.y), along = hypot(down.x - o.x, down.y - o.y)
            return (along > across) == (template.height > template.width)
        }

        /// How many other outlines there are to try.
        func alternativeCount(_ image: GrayImage) -> Int { alternatives(image).count }

        /// Whether the image shows a sheet against a background (found once per image).
        func hasOutline(_ image: GrayImage) -> Bool {
            if outline == nil { outline = .some(PageOutline(image)) }
            return (outline ?? nil) != nil
        }

        /// The sheet's outline in the image, when it shows one (found once per image).
        func sheet(_ image: GrayImage) -> PageOutline? {
            hasOutline(image) ? outline ?? nil : nil
        }

        /// Starts from the outline (the template's top-left corner on the outline corner
        /// `corner` steps clockwise from the image's top-left): tightened on the corner marks
        /// where they are found, and the ruled-line search run on the page set straight by the
        /// outline (the sheet's edge is not the reference image's edge: margins differ, scans
        /// are cut).
        func outlineFits(_ image: GrayImage, corner: Int, template: Template, registrar: Registrar, alternative: Int = 0) -> [Coarse] {
            guard hasOutline(image), var found = outline ?? nil else { return [] }
            if alternative > 0 {
                let others = alternatives(image)
                guard alternative <= others.count else { return [] }
                found.corners = others[alternative - 1]
            }
            guard let t = found.transform(width: template.width, height: template.height, turns: corner) else { return [] }
            var starts: [Coarse] = []
            if let marked = MarkFinder.refine(image, template: template, rough: t, sheet: found.corners) {
                starts.append(Coarse(transform: marked, score: found.areaFraction, skew: 0,
                                     scale: marked.scale(near: template.width / 2, template.height / 2), wide: true))
            }
            // The page straightened by the outline, at the coarse search's size.
            let c = Double(registrar.coarseSide) / max(template.width, template.height)
            let straight = image.warped(width: Int(template.width * c), height: Int(template.height * c),
                                        through: t.composed(after: Homography([1 / c, 0, 0.5 / c, 0, 1 / c, 0.5 / c, 0, 0, 1])))
            if let view = CoarseView(straight, side: registrar.coarseSide) {
                let toImage = t.composed(after: Homography([1 / c, 0, 0, 0, 1 / c, 0, 0, 0, 1]))
                for fit in registrar.coarseFits(view, count: 2, straightened: true) {
                    let h = toImage.composed(after: fit.transform)
                    // The straightened fit puts the corner marks within a few pixels even where
                    // the sheet's edge and the reference's edge differ: look for them again.
                    if let marked = MarkFinder.refine(image, template: template, rough: h, sheet: found.corners) {
                        starts.append(Coarse(transform: marked, score: fit.score, skew: 0,
                                             scale: marked.scale(near: template.width / 2, template.height / 2), wide: true))
                    }
                    starts.append(Coarse(transform: h, score: fit.score, skew: fit.skew,
                                         scale: h.scale(near: template.width / 2, template.height / 2)))
                }
            }
            return starts
        }
    }

    struct CoarseView {
        var k: Double, cw: Int, ch: Int, cx: Double, cy: Double
        var bestAngle: Double, t: Double
        var py: [Double], px: [Double]

        init?(_ image: GrayImage, side: Int) {
            k = Double(side) / Double(max(image.width, image.height))
            cw = max(1, Int(Double(image.width) * k)); ch = max(1, Int(Double(image.height) * k))
            let (cw, ch) = (cw, ch)
            let small = image.resized(width: cw, height: ch)
            let ink = InkMap(small, radius: 7, contrast: 18)
            let hRuns = ink.runs(horizontal: true, minRun: 18)
            let vRuns = ink.runs(horizontal: false, minRun: 18)
            var hPoints: [(Double, Double)] = [], vPoints: [(Double, Double)] = []
            // The horizontal-line points as spans of neighbours along a row (first and last x).
            var hSpans: [(y: Double, first: Int, last: Int)] = []
            hRuns.bits.withUnsafeBufferPointer { h in
                vRuns.bits.withUnsafeBufferPointer { v in
                    for y in 0..<ch {
                        let row = y &* cw
                        for x in 0..<cw {
                            if h[row &+ x] != 0 {
                                hPoints.append((Double(x), Double(y)))
                                if x > 0 && h[row &+ x &- 1] != 0 { hSpans[hSpans.count - 1].last = x } else { hSpans.append((Double(y), x, x)) }
                            }
                            if v[row &+ x] != 0 { vPoints.append((Double(x), Double(y))) }
                        }
                    }
                }
            }
            if hPoints.count < 50 || vPoints.count < 20 { return nil }
            let cx = Double(cw) / 2, cy = Double(ch) / 2
            self.cx = cx; self.cy = cy
            // Skew: sharpest horizontal-line profile.
            var bestAngle = 0.0, bestSharp = -1.0
            var prof = [Int32](repeating: 0, count: ch * 2)
            hSpans.withUnsafeBufferPointer { spans in
                prof.withUnsafeMutableBufferPointer { prof in
                    for step in -20...20 {
                        let a = Double(step) * 0.2 * .pi / 180
                        let t = tan(a)
                        for i in prof.indices { prof[i] = 0 }
                        // Each point's row in the deskewed frame, ties to even (a value exactly
                        // halfway between two rows does not occur off the zero angle).
                        @inline(__always) func bin(_ x: Int, _ y: Double) -> Int {
                            Self.nearestEven(y - (Double(x) - cx) * t) &+ ch / 2
                        }
                        // Along a span the row never goes back (the expression is monotonic in x,
                        // rounding included), so each stretch of points landing on one row is
                        // found by galloping and halving instead of point by point: the same
                        // counts with a few evaluations per change of row.
                        for span in spans {
                            var x = span.first
                            while x <= span.last {
                                let b = bin(x, span.y)
                                var same = x, stride = 1
                                while same &+ stride <= span.last && bin(same &+ stride, span.y) == b {
                                    same &+= stride; stride &<<= 1
                                }
                                var other = min(same &+ stride, span.last &+ 1)
                                while other &- same > 1 {
                                    let mid = (same &+ other) >> 1
                                    if bin(mid, span.y) == b { same = mid } else { other = mid }
                                }
                                if b >= 0 && b < prof.count { prof[b] &+= Int32(same &- x &+ 1) }
                                x = same &+ 1
                            }
                        }
                        // Whole counts: the sum of squares is exact, as with the counts in doubles.
                        var sharp = 0.0
                        for v in prof { sharp += Double(v) * Double(v) }
                        if sharp > bestSharp { bestSharp = sharp; bestAngle = a }
                    }
                }
            }
            let t = tan(bestAngle)
            self.bestAngle = bestAngle; self.t = t
            // Profiles in the deskewed frame: x' = x + (y - cy) t, y' = y - (x - cx) t.
            func profile(_ pts: [(Double, Double)], vertical: Bool, length: Int) -> [Double] {
                var p = [Double](repeating: 0, count: length)
                for (x, y) in pts {
                    let v = vertical ? x + (y - cy) * t : y - (x - cx) * t
                    let i = Self.nearestEven(v)
                    if i >= 0 && i < length { p[i] += 1 }
                }
                // tolerate ±1 pixel
                var q = p
                for i in 0..<length { q[i] = max(p[max(0, i - 1)], p[i], p[min(length - 1, i + 1)]) }
                return q
            }
            py = profile(hPoints, vertical: false, length: ch)
            px = profile(vPoints, vertical: true, length: cw)
        }

        /// `Int(v.rounded(.toNearestOrEven))` without the call into libm (`rint`) that x86-64's
        /// baseline instruction set needs: adding and taking away 1.5 x 2^52 leaves the nearest
        /// integer, ties to even (the default rounding), for any |v| below 2^51.
        @inline(__always)
        static func nearestEven(_ v: Double) -> Int {
            let shift = 6_755_399_441_055_744.0
            return Int((v + shift) - shift)
        }
    }

    /// The best coarse fits at clearly different scales (a form's regular grid also matches at
    /// about half or double its size), best first.
    /// - Parameter quick: scales in steps of 0.02, the picks then tightened to 0.01 (half the
    ///   work; for ranking templates: the search runs for every template when a page is
    ///   identified). The full search is kept for the starts of a fit: on generated photos the
    ///   quick one lost 4 of 80 registrations.
    /// - Parameter straightened: the view is a sheet already set straight on its outline at the
    ///   template's size, so the form's scale is close to 1 (margins differ) and a grid match at
    ///   half its size is no candidate; the sheet's shape need not be the reference page's (a
    ///   scan cut taller than the reference), so across and down are scaled apart, within
    ///   `SheetScales.maximumRatio` of each other.
    /// - Parameter mergingCollinear: segments at the same position count as one line as long
    ///   as all of them (`rankingScore`).
    func coarseFits(_ view: CoarseView, count: Int, quick: Bool = false, straightened: Bool = false,
                    mergingCollinear: Bool = false) -> [Coarse] {
        let (k, cx, cy, t, bestAngle, py, px) = (view.k, view.cx, view.cy, view.t, view.bestAngle, view.py, view.px)
        let c = Double(coarseSide) / max(template.width, template.height)
        func lines(_ segments: [[Double]]) -> [(pos: Double, len: Double)] {
            let all = segments.map { (pos: $0[0] * c, len: abs($0[2] - $0[1]) * c) }
            guard mergingCollinear else { return all }
            var merged: [(pos: Double, len: Double)] = [], index: [Double: Int] = [:]
            for l in all {
                if let i = index[l.pos] { merged[i].len += l.len } else { index[l.pos] = merged.count; merged.append(l) }
            }
            return merged
        }
        let hLines = lines(template.lines.horizontal), vLines = lines(template.lines.vertical)
        let hTotal = hLines.reduce(0) { $0 + $1.len }, vTotal = vLines.reduce(0) { $0 + $1.len }
        // For a scale s, the best shift and the fraction of line length explained.
        let nonZeroY = py.indices.filter { py[$0] > 0 }, nonZeroX = px.indices.filter { px[$0] > 0 }
        func bestShift(_ lines: [(pos: Double, len: Double)], total: Double, profile p: [Double], nonZero: [Int], s: Double) -> (Double, Double) {
            var best = (-1.0, 0.0)
            let n = p.count
            let span = (lines.map(\.pos).max() ?? 0) * s
            let lo = -Int(span) - 10, hi = n + 10
            // Line positions and lengths at this scale, computed once for every shift.
            let at = lines.map { Int(($0.pos * s).rounded()) }
            let cap = lines.map { $0.len * s }
            // The profile is zero away from the page's lines: add each line's contribution only
            // at the shifts that put it on a non-zero bin, then take the best shift.
            var scores = [Double](repeating: 0, count: hi - lo)
            // The profile's non-zero bins as (bin, value) pairs; raw buffers in the hot loop
            // (lines x bins x scales: the largest part of ranking the templates of a page).
            let bins = nonZero.map { ($0, p[$0]) }
            scores.withUnsafeMutableBufferPointer { scores in
                bins.withUnsafeBufferPointer { bins in
                    guard let first = bins.first?.0, let last = bins.last?.0 else { return }
                    for j in 0..<at.count {
                        let off = at[j] + lo, capJ = cap[j]
                        if first - off >= 0 && last - off < scores.count {
                            // Every bin lands inside the scores (the usual case: lines lie on
                            // the page): no test per bin.
                            for (i, v) in bins { scores[i &- off] += min(v, capJ) }
                        } else {
                            for (i, v) in bins where i - off >= 0 && i - off < scores.count {
                                scores[i - off] += min(v, capJ)
                            }
                        }
                    }
                }
            }
            for k in 0..<scores.count where scores[k] > best.0 { best = (scores[k], Double(k + lo)) }
            return (best.0 / (total * s), best.1)
        }
        typealias Fit = (score: Double, s: Double, sx: Double, tx: Double, ty: Double)
        func fit(_ s: Double) -> Fit {
            let (sy, ty) = bestShift(hLines, total: hTotal, profile: py, nonZero: nonZeroY, s: s)
            let (sx, tx) = bestShift(vLines, total: vTotal, profile: px, nonZero: nonZeroX, s: s)
            return (0.6 * sy + 0.4 * sx, s, s, tx, ty)
        }
        var byScale: [Fit]
        if straightened {
            // Down (horizontal lines) and across (vertical lines) searched apart, then paired.
            let scales = stride(from: SheetScales.lowest, through: SheetScales.highest + 1e-9, by: 0.01).map { $0 }
            let down = scales.map { bestShift(hLines, total: hTotal, profile: py, nonZero: nonZeroY, s: $0) }
            let across = scales.map { bestShift(vLines, total: vTotal, profile: px, nonZero: nonZeroX, s: $0) }
            byScale = scales.indices.map { i in
                let j = scales.indices.filter { max(scales[$0], scales[i]) / min(scales[$0], scales[i]) <= SheetScales.maximumRatio }
                    .max { across[$0].0 < across[$1].0 }!
                return (0.6 * down[i].0 + 0.4 * across[j].0, scales[i], scales[j], across[j].1, down[i].1)
            }
        } else {
            // Scales 0.45…1.35 in steps of 0.01 (quick: 0.02, the picks then tightened to 0.01).
            byScale = quick ? (0...45).map { fit(0.45 + Double($0) * 0.02) } : (0...90).map { fit(0.45 + Double($0) * 0.01) }
        }
        var picked: [Fit] = []
        for cand in byScale.sorted(by: { $0.score > $1.score }) where picked.count < count {
            if picked.allSatisfy({ abs($0.s - cand.s) / $0.s > (straightened ? 0.05 : 0.15) }) { picked.append(cand) }
        }
        if quick { picked = picked.map { p in [fit(p.s - 0.01), p, fit(p.s + 0.01)].max { $0.score < $1.score }! } }
        // template -> deskewed coarse: (s c x + tx, s c y + ty); deskewed -> coarse: invert
        // x' = x + t y - t cy, y' = -t x + y + t cx.
        let d = Homography([1, t, -t * cy, -t, 1, t * cx, 0, 0, 1])
        let down = Homography([1 / k, 0, 0, 0, 1 / k, 0, 0, 0, 1])
        return picked.map { best in
            let a1 = Homography([best.sx * c, 0, best.tx, 0, best.s * c, best.ty, 0, 0, 1])
            let h = down.composed(after: d.inverse.composed(after: a1))
            return Coarse(transform: h, score: best.score, skew: bestAngle * 180 / .pi, scale: best.s * c / k)
        }
    }

    // MARK: fine fit

    /// One round: measure every line sample near its predicted place, fit a homography to the
    /// measurements (outliers dropped), return it with the RMS residual (image px) and coverage.
    /// - Parameter every: measure every n-th sample along the lines (a pass that only has to
    ///   bring the fit within reach of the next, or a first look at a fit).
    func refine(_ image: GrayImage, _ h: Homography, radius: Double, final: Bool, every: Int = 1, perspective: Bool = false) -> (Homography, Double, Double)? {
        // A wide search only has to bring the fit within reach of the narrow ones: half the
        // samples do (the search cost grows with the radius).
        let step = Double(radius > 20 ? max(2, every) : every) * sampleStep
        struct Sample { var tx: Double; var ty: Double; var nx: Double; var ny: Double; var qx: Double; var qy: Double; var horizontal: Bool; var contrast: Double
            /// On a perspective line: shapes the fit, not counted in the coverage.
            var extra = false }
        var samples: [Sample] = []
        var total = 0, totalH = 0
        // One profile buffer and one for its median, reused by every sample of this pass.
        let r = Int(radius.rounded(.up))
        let darkness = UnsafeMutableBufferPointer<Double>.allocate(capacity: 2 * r + 1)
        let sorted = UnsafeMutableBufferPointer<Double>.allocate(capacity: 2 * r + 1)
        defer { darkness.deallocate(); sorted.deallocate() }
        image.withSampler { image in
        func measure(_ tx: Double, _ ty: Double, horizontal: Bool, extra: Bool = false) {
            if !extra {
                total += 1
                if horizontal { totalH += 1 }
            }
            let p = h.apply(tx, ty)
            let along = horizontal ? h.apply(tx + 1, ty) : h.apply(tx, ty + 1)
            var ux = along.x - p.x, uy = along.y - p.y
            let ul = (ux * ux + uy * uy).squareRoot()
            guard ul > 1e-9 else { return }
            ux /= ul; uy /= ul
            let nx = -uy, ny = ux
            // The profile's samples lie in the parallelogram spanned by its four corners: when
            // that is well inside the image (the usual case), sample without edge tests.
            let reach = Double(r), right = Double(image.width - 2), bottom = Double(image.height - 2)
            func within(_ o: Double, _ u: Double) -> Bool {
                let x = p.x + o * nx + u * ux, y = p.y + o * ny + u * uy
                return x >= 1 && y >= 1 && x < right && y < bottom
            }
            let inside = within(-reach, -3) && within(-reach, 3) && within(reach, -3) && within(reach, 3)
            for o in -r...r {
                var sum = 0.0
                for u in -3...3 {
                    let x = p.x + Double(o) * nx + Double(u) * ux, y = p.y + Double(o) * ny + Double(u) * uy
                    sum += 255 - (inside ? image.sampleInside(x: x, y: y) : image.sample(x: x, y: y))
                }
                darkness[o + r] = sum / 7
            }
            var bi = 0
            for i in darkness.indices where darkness[i] > darkness[bi] { bi = i }
            // The median (insertion sort: a few dozen values).
            for i in 0..<darkness.count {
                let v = darkness[i]
                var j = i
                while j > 0 && sorted[j - 1] > v { sorted[j] = sorted[j - 1]; j -= 1 }
                sorted[j] = v
            }
            let background = sorted[sorted.count / 2]
            guard darkness[bi] - background > 12, bi > 0, bi < darkness.count - 1 else { return }
            // sub-pixel peak
            let l = darkness[bi - 1], c = darkness[bi], rr = darkness[bi + 1]
            let den = l - 2 * c + rr
            let off = Double(bi - r) + (abs(den) > 1e-9 ? 0.5 * (l - rr) / den : 0)
            samples.append(Sample(tx: tx, ty: ty, nx: nx, ny: ny, qx: p.x + off * nx, qy: p.y + off * ny, horizontal: horizontal,
                                  contrast: darkness[bi] - background, extra: extra))
        }
        let extra = perspective ? template.perspectiveLines : nil
        for (lines, isExtra) in [(template.lines.horizontal, false), (extra?.horizontal ?? [], true)] {
            for l in lines {
                let (y, x0, x1) = (l[0], min(l[1], l[2]), max(l[1], l[2]))
                var x = x0 + 6
                while x <= x1 - 6 { measure(x, y, horizontal: true, extra: isExtra); x += step }
            }
        }
        for (lines, isExtra) in [(template.lines.vertical, false), (extra?.vertical ?? [], true)] {
            for l in lines {
                let (x, y0, y1) = (l[0], min(l[1], l[2]), max(l[1], l[2]))
                var y = y0 + 6
                while y <= y1 - 6 { measure(x, y, horizontal: false, extra: isExtra); y += step }
            }
        }
        }
        // A line counts when it stands out from the paper by a good part of what the clearest
        // lines do (45 grey levels on a scan; less on a soft photo of a screen), never less than 12.
        // Horizontal and vertical lines each against their own kind: a photo blurred one way (a
        // shaken hand, a screen's rows) softens one kind of line only.
        var threshold: [Bool: Double] = [:]
        for horizontal in [true, false] {
            let contrasts = samples.filter { $0.horizontal == horizontal }.map(\.contrast).sorted()
            guard !contrasts.isEmpty else { continue }
            let strong = contrasts[min(contrasts.count - 1, Int(Double(contrasts.count) * 0.9))]
            threshold[horizontal] = min(45, max(12, 0.2 * strong))
        }
        samples.removeAll { $0.contrast <= threshold[$0.horizontal]! }
        guard samples.count >= 12, total > 0 else { return nil }
        // Normalised coordinates for a well-conditioned system.
        let sT = 1.0 / max(template.width, template.height)
        let sI = 1.0 / Double(max(image.width, image.height))
        var inliers = samples
        var fitted = h
        var rms = Double.infinity
        for _ in 0..<4 {
            var ata = [[Double]](repeating: [Double](repeating: 0, count: 8), count: 8)
            var atb = [Double](repeating: 0, count: 8)
            for s in inliers {
                let x = s.tx * sT, y = s.ty * sT
                let nq = s.nx * s.qx * sI + s.ny * s.qy * sI
                let row = [s.nx * x, s.nx * y, s.nx, s.ny * x, s.ny * y, s.ny, -nq * x, -nq * y]
                for i in 0..<8 {
                    atb[i] += row[i] * nq
                    for j in 0..<8 { ata[i][j] += row[i] * row[j] }
                }
            }
            guard let p = LinearSolver.solve(ata, atb) else { return nil }
            let hn = Homography([p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], 1])
            // back to pixel frames: H = S_I^-1 * Hn * S_T
            let sTm = Homography([sT, 0, 0, 0, sT, 0, 0, 0, 1])
            let sIinv = Homography([1 / sI, 0, 0, 0, 1 / sI, 0, 0, 0, 1])
            fitted = sIinv.composed(after: hn.composed(after: sTm))
            func residual(_ s: Sample) -> Double {
                let p = fitted.apply(s.tx, s.ty)
                return abs((p.x - s.qx) * s.nx + (p.y - s.qy) * s.ny)
            }
            let res = inliers.map(residual)
            rms = (res.reduce(0) { $0 + $1 * $1 } / Double(max(1, res.count))).squareRoot()
            let sortedRes = res.sorted()
            let cut = max(1.5, 3 * sortedRes[sortedRes.count / 2])
            let kept = inliers.filter { residual($0) <= cut }
            if kept.count == inliers.count || kept.count < 12 { break }
            inliers = kept
        }
        // Coverage: the smaller of the horizontal and vertical fractions of samples consistent
        // with the fit, so that a page sharing only the long horizontal rules does not pass;
        // over the template's lines alone, so that every threshold keeps its meaning.
        let agreeing = samples.filter { s in
            guard !s.extra else { return false }
            let p = fitted.apply(s.tx, s.ty)
            return abs((p.x - s.qx) * s.nx + (p.y - s.qy) * s.ny) <= 2.5
        }
        let agreeH = agreeing.filter(\.horizontal).count, agreeV = agreeing.count - agreeH
        let covH = Double(agreeH) / Double(max(1, totalH)), covV = Double(agreeV) / Double(max(1, total - totalH))
        return (fitted, rms, min(covH, covV))
    }
}
