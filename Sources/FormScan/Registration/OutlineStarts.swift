import DigitReader
import Foundation

/// Registering a photo from the sheet's outline: what a fit from it must find, and which of the
/// outline's corners the template's top-left is tried on first.
extension Registrar {
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
}
