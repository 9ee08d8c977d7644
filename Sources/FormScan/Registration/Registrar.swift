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
}
