import DigitReader
import Foundation

/// Registering from the corner marks found over the whole image (`MarkSearch`): the start
/// that needs neither the sheet's outline nor a nearly straight page.
extension Registrar {
    /// The best fit from the marks' hypotheses in the frame of the image as loaded, turned
    /// upright (its quarter turn returned with it), or nil when the template has no marks or
    /// none of the hypotheses gives a fit. A fit from the marks is held to what a fit from the
    /// outline is (`minimumOutlineCoverage`, `looseFit`): both are starts from evidence other
    /// than the lines, which can lay a form on another form's grid.
    func markFit(_ image: GrayImage, quarterTurns: [Int]?, cache: CoarseCache) -> (Registration, Int)? {
        guard template.marks.count == 4 else { return nil }
        var best: Registration?
        // Consensus on the lines: each hypothesis scored by the share of the lines one pass (as
        // wide as the outline route's first) finds from it on every fourth sample; the fine fit
        // only for the best two, and not for a start that finds less than a plain fit's wrong
        // start does (`guidedRetryCoverage`: a form of another kind whose marks stand where
        // this one's do).
        let scored = MarkSearch.starts(cache.marks(image), template: template, count: Self.markHypotheses).map { h -> (Homography, Double) in
            let s = h.scale(near: template.width / 2, template.height / 2)
            return (h, refine(image, h, radius: Self.markRadii[1] * max(1, s), final: false, every: 4)?.2 ?? 0)
        }
        for (rough, score) in scored.sorted(by: { $0.1 > $1.1 }).prefix(2) where score >= Self.guidedRetryCoverage {
            let start = MarkFinder.refine(image, template: template, rough: rough) ?? rough
            let coarse = Coarse(transform: start, score: 0, skew: 0, scale: start.scale(near: template.width / 2, template.height / 2), wide: true)
            var r = refineFit(image, coarse: coarse, radii: Self.markRadii, guided: true)
            if !isPlausible(r.transform, in: image) { r.coverage = 0 }
            if r.isUsable && (r.coverage < Self.minimumOutlineCoverage
                              || (r.coverage < Self.looseFit.coverage && r.residual > Self.looseResidual(scale: r.scale))) { r = r.refused }
            if r.isUsable { r = settled(r, in: image) }
            if best == nil || rank(r) > rank(best!) { best = r }
            if r.isUsable { break }
        }
        guard var r = best else { return nil }
        let q = Self.uprightTurn(r.transform, template: template)
        if let allowed = quarterTurns, !allowed.contains(q) { return nil }
        r.transform = Self.rotation(q, width: image.width, height: image.height).composed(after: r.transform)
        r.quarterTurns = q
        return (r, q)
    }

    /// Hypotheses from the marks scored on the lines (each a fraction of a fine fit's cost).
    /// The fine fit's search radii from the marks (template px at scale 1): wider at first than
    /// from the outline, as three marks fix only an affine start, which on a page seen at a
    /// slant misses the fourth corner by a few percent of the page.
    static let markHypotheses = 12

    static let markRadii: [Double] = [40, 24, 16, 8, 5, 4]
}
